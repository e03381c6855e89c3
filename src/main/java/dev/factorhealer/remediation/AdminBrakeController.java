package dev.factorhealer.remediation;

import java.io.IOException;
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
 * {@code GET /admin/brake} shows the brake; {@code POST /admin/brake} with
 * {@code {"action":"release","reason":"..."}} releases it. Behind the admin bearer token
 * ({@code healer.admin.token}), absent when none is configured, on the management port.
 * Engaging is left to the follow-up (an operator who wants deletions stopped switches to
 * dry-run); {@code POST /admin/mode} with {@code live} releases it too.
 */
@RestController
@ConditionalOnProperty("healer.admin.token")
@AdminEndpoints.ConditionalOnManagementServer
class AdminBrakeController {

	private static final Logger log = LoggerFactory.getLogger(AdminBrakeController.class);

	private static final int MAX_BODY = 16 * 1024;

	private final RemediationBrake brake;

	private final AdminAuthentication authentication;

	private final JsonMapper mapper;

	AdminBrakeController(RemediationBrake brake, AdminAuthentication authentication, JsonMapper mapper) {
		this.brake = brake;
		this.authentication = authentication;
		this.mapper = mapper;
	}

	@GetMapping("/admin/brake")
	ResponseEntity<?> show(HttpServletRequest request) {
		if (!this.authentication.isAuthorized(request)) {
			return error(HttpStatus.UNAUTHORIZED, "unauthorized", "missing or wrong bearer token");
		}
		return ResponseEntity.ok(this.brake.state());
	}

	@PostMapping("/admin/brake")
	ResponseEntity<?> change(HttpServletRequest request) throws IOException {
		if (!this.authentication.isAuthorized(request)) {
			return error(HttpStatus.UNAUTHORIZED, "unauthorized", "missing or wrong bearer token");
		}
		byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
		if (body.length > MAX_BODY) {
			return error(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the body is larger than " + MAX_BODY + " bytes");
		}
		JsonNode json;
		try {
			json = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			return error(HttpStatus.BAD_REQUEST, "invalid", "not JSON: " + ex.getOriginalMessage());
		}
		String action = json != null && json.path("action").isString() ? json.path("action").asString() : null;
		String reason = json != null && json.path("reason").isString() ? json.path("reason").asString() : null;
		if (!"release".equals(action)) {
			return error(HttpStatus.BAD_REQUEST, "invalid", "'action' must be \"release\"");
		}
		if (reason == null || reason.isBlank() || reason.length() > 500) {
			return error(HttpStatus.BAD_REQUEST, "invalid", "'reason' is required (at most 500 characters)");
		}
		log.info("POST /admin/brake from {}: release", request.getRemoteAddr());
		this.brake.release("admin", reason);
		return ResponseEntity.ok(this.brake.state());
	}

	private static ResponseEntity<Map<String, String>> error(HttpStatus status, String error, String message) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", error, "message", message));
	}

}
