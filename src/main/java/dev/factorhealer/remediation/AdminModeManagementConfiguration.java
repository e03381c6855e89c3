package dev.factorhealer.remediation;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Import;

import dev.factorhealer.system.AdminEndpoints;

/**
 * Puts {@code GET/POST /admin/mode} and {@code /admin/brake} on the management port (see
 * {@link AdminEndpoints}).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@AdminEndpoints.ConditionalOnManagementChildContext
@Import({ AdminModeController.class, AdminBrakeController.class })
class AdminModeManagementConfiguration {

}
