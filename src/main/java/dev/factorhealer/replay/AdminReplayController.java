package dev.factorhealer.replay;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.factorhealer.system.AdminAuthentication;
import dev.factorhealer.system.AdminEndpoints;

/**
 * {@code POST /admin/replay} on the management port, behind its own bearer token
 * ({@code healer.admin.token}); absent when no token is configured.
 */
@RestController
@ConditionalOnProperty("healer.admin.token")
@AdminEndpoints.ConditionalOnManagementServer
class AdminReplayController {

	private static final Logger log = LoggerFactory.getLogger(AdminReplayController.class);

	private static final int MAX_BODY = 64 * 1024;

	private final ReplayService replay;

	private final AdminAuthentication authentication;

	private final ObjectReader reader;

	AdminReplayController(ReplayService replay, AdminAuthentication authentication, JsonMapper mapper) {
		this.replay = replay;
		this.authentication = authentication;
		this.reader = mapper.readerFor(ReplayRequest.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
	}

	@PostMapping("/admin/replay")
	ResponseEntity<?> replay(HttpServletRequest request) throws IOException {
		if (!this.authentication.isAuthorized(request)) {
			return error(HttpStatus.UNAUTHORIZED, "unauthorized", "missing or wrong bearer token");
		}
		byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
		if (body.length > MAX_BODY) {
			return error(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the body is larger than " + MAX_BODY + " bytes");
		}
		ReplayRequest replayRequest;
		try {
			replayRequest = this.reader.readValue(body);
			if (replayRequest == null) {
				throw new IllegalArgumentException("a JSON object with at least 'topic' is required");
			}
			this.replay.validated(replayRequest);
		}
		catch (JacksonException ex) {
			return error(HttpStatus.BAD_REQUEST, "invalid", "not a replay request: " + ex.getOriginalMessage());
		}
		catch (IllegalArgumentException ex) {
			return error(HttpStatus.BAD_REQUEST, "invalid", ex.getMessage());
		}
		try {
			return ResponseEntity.ok(this.replay.replay(replayRequest));
		}
		catch (ReplayService.ReplayBusyException ex) {
			return error(HttpStatus.CONFLICT, "busy", ex.getMessage());
		}
		catch (RuntimeException ex) {
			log.error("Replay of {} failed", replayRequest.topic(), ex);
			return error(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "replay failed: " + ex.getMessage());
		}
	}

	private static ResponseEntity<Map<String, String>> error(HttpStatus status, String error, String message) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", error, "message", message));
	}

}
