package dev.factorhealer.remediation;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.factorhealer.system.AdminAuthentication;
import dev.factorhealer.system.AdminEndpoints;

/**
 * {@code GET/POST /admin/mode} on the management port: tells and sets the remediation
 * mode of every replica ({@link RemediationModeSwitch}), behind the admin bearer token.
 * Setting {@code live} also releases the {@link RemediationBrake} if it is engaged.
 */
@RestController
@ConditionalOnProperty("healer.admin.token")
@AdminEndpoints.ConditionalOnManagementServer
class AdminModeController {

	private static final Logger log = LoggerFactory.getLogger(AdminModeController.class);

	private static final int MAX_BODY = 4 * 1024;

	private final RemediationModeSwitch modes;

	private final RemediationBrake brake;

	private final AdminAuthentication authentication;

	private final JsonMapper mapper;

	AdminModeController(RemediationModeSwitch modes, RemediationBrake brake, AdminAuthentication authentication,
			JsonMapper mapper) {
		this.modes = modes;
		this.brake = brake;
		this.authentication = authentication;
		this.mapper = mapper;
	}

	@GetMapping("/admin/mode")
	ResponseEntity<?> mode(HttpServletRequest request) {
		if (!this.authentication.isAuthorized(request)) {
			return error(HttpStatus.UNAUTHORIZED, "unauthorized", "missing or wrong bearer token");
		}
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer(this.modes.state()));
	}

	@PostMapping("/admin/mode")
	ResponseEntity<?> set(HttpServletRequest request) throws IOException {
		if (!this.authentication.isAuthorized(request)) {
			return error(HttpStatus.UNAUTHORIZED, "unauthorized", "missing or wrong bearer token");
		}
		byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
		if (body.length > MAX_BODY) {
			return error(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the body is larger than " + MAX_BODY + " bytes");
		}
		RemediationMode mode;
		String by;
		String reason;
		try {
			JsonNode node = this.mapper.readTree(body);
			if (node == null || !node.isObject() || !node.path("mode").isString()) {
				throw new IllegalArgumentException(
						"a JSON object {\"mode\": \"live\"|\"dry-run\", \"reason\": \"...\"} is required");
			}
			mode = RemediationMode.of(node.path("mode").asString());
			by = node.path("by").asString("");
			reason = node.path("reason").asString("");
		}
		catch (JacksonException ex) {
			return error(HttpStatus.BAD_REQUEST, "invalid", "not JSON: " + ex.getOriginalMessage());
		}
		catch (IllegalArgumentException ex) {
			return error(HttpStatus.BAD_REQUEST, "invalid", ex.getMessage());
		}
		try {
			ModeState state = this.modes.set(mode, by, reason);
			log.info("POST /admin/mode from {}: {} by {} ({})", request.getRemoteAddr(), mode.label(), state.by(),
					state.reason());
			if (mode == RemediationMode.LIVE && this.brake.isEngaged()) {
				// going live is the operator's word that the cause is fixed: the brake
				// lets go too
				this.brake.release(state.by(), "POST /admin/mode live: " + state.reason());
			}
			return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer(state));
		}
		catch (IllegalStateException ex) {
			log.error("Setting the remediation mode to {} failed: {}", mode.label(), ex.getMessage());
			return error(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", ex.getMessage());
		}
	}

	private static Map<String, Object> answer(ModeState state) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("mode", state.mode().label());
		answer.put("by", state.by());
		answer.put("at", state.at() == null ? null : state.at().toString());
		answer.put("reason", state.reason());
		return answer;
	}

	private static ResponseEntity<Map<String, String>> error(HttpStatus status, String error, String message) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", error, "message", message));
	}

}
