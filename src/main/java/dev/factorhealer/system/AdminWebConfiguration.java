package dev.factorhealer.system;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * Spring MVC's annotated-controller support in the management child context, which on its
 * own knows only actuator endpoints: the modules' {@code /admin/*} controllers need it
 * there.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@AdminEndpoints.ConditionalOnManagementChildContext
@EnableWebMvc
class AdminWebConfiguration {

}
