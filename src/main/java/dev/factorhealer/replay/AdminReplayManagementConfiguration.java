package dev.factorhealer.replay;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Import;

import dev.factorhealer.system.AdminEndpoints;

/**
 * Puts {@code POST /admin/replay} on the management port (see {@link AdminEndpoints}).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@AdminEndpoints.ConditionalOnManagementChildContext
@Import(AdminReplayController.class)
class AdminReplayManagementConfiguration {

}
