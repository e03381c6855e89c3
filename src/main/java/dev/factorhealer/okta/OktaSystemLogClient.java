package dev.factorhealer.okta;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;

import dev.factorhealer.events.EventJson;
import dev.factorhealer.events.EventJson.NotUtf8Exception;
import dev.factorhealer.events.EventJson.Slice;
import dev.factorhealer.okta.OktaHttp.OktaRequest;
import dev.factorhealer.okta.OktaHttp.Result;

/**
 * {@link OktaSystemLog} over its own {@link OktaHttp} instance. Each event of a page is
 * sliced out of the answer byte for byte (Jackson's streaming parser gives the offsets),
 * so what is published is exactly what Okta sent. The {@code next} link is taken from the
 * {@code Link} headers as given; one that does not point at the org's
 * {@code /api/v1/logs} is dropped with a warning (the API token must never follow a link
 * to another host).
 */
final class OktaSystemLogClient implements OktaSystemLog {

	private static final Logger log = LoggerFactory.getLogger(OktaSystemLogClient.class);

	static final String LOGS_PATH = "/api/v1/logs";

	/** {@code <uri>} and the parameters up to the next link. */
	private static final Pattern LINK = Pattern.compile("<([^>]*)>([^<]*)");

	private static final Pattern REL = Pattern.compile("(?i)(?:^|;)\\s*rel\\s*=\\s*(?:\"([^\"]*)\"|([^;,\\s]+))");

	private final OktaHttp http;

	private final URI orgUrl;

	private final JsonMapper mapper;

	private final int maxBodyBytes;

	OktaSystemLogClient(OktaHttp http, URI orgUrl, JsonMapper mapper, int maxBodyBytes) {
		this.http = http;
		this.orgUrl = Objects.requireNonNull(orgUrl, "orgUrl");
		this.mapper = mapper;
		this.maxBodyBytes = maxBodyBytes;
	}

	@Override
	public OktaAnswer<LogPage> fetch(URI next, Instant since, String filter, int limit, Instant deadline) {
		URI uri;
		String subject;
		if (next != null) {
			uri = next;
			subject = "next page";
		}
		else {
			if (limit < 1 || limit > 1000) {
				throw new IllegalArgumentException("limit must be between 1 and 1000: " + limit);
			}
			uri = firstPage(since, filter, limit);
			subject = "first page since " + since;
		}
		Result result = this.http.send(new OktaRequest(OPERATION, HttpMethod.GET, uri, subject), deadline);
		OktaReply reply = result.reply();
		if (!reply.isSuccess()) {
			log.warn("Okta {} {}: {}; not retried", OPERATION, subject, reply.describe());
			throw new OktaException.Rejected("Okta " + OPERATION + " " + subject + " was rejected: " + reply.describe(),
					reply.status(), reply.error().errorCode(), reply.error().errorId(), result.attempts());
		}
		List<LogPage.Event> events = events(reply, subject, result.attempts());
		return new OktaAnswer<>(new LogPage(uri, events, next(result.links())), result.attempts());
	}

	/**
	 * {@code /api/v1/logs?since=...&filter=...&limit=...}, every value percent-encoded
	 * strictly.
	 */
	URI firstPage(Instant since, String filter, int limit) {
		StringBuilder query = new StringBuilder();
		if (since != null) {
			query.append("since=").append(encode(since.truncatedTo(ChronoUnit.MILLIS).toString())).append('&');
		}
		if (filter != null && !filter.isBlank()) {
			query.append("filter=").append(encode(filter.strip())).append('&');
		}
		query.append("limit=").append(limit);
		return URI.create(this.orgUrl + LOGS_PATH + "?" + query);
	}

	private List<LogPage.Event> events(OktaReply reply, String subject, int attempts) {
		byte[] body = reply.body();
		if (body.length >= this.maxBodyBytes) {
			throw notAPage(reply, subject, attempts,
					"a page larger than " + this.maxBodyBytes + " bytes was cut; lower healer.systemlog.limit");
		}
		List<LogPage.Event> events = new ArrayList<>();
		try (JsonParser parser = this.mapper.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_ARRAY) {
				throw notAPage(reply, subject, attempts, "the body is not a JSON array of events");
			}
			JsonToken token;
			while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
				if (token != JsonToken.START_OBJECT) {
					throw notAPage(reply, subject, attempts, "element " + events.size() + " is not a JSON object");
				}
				Slice<JsonNode> event;
				try {
					event = EventJson.slice(parser, body, JsonParser::readValueAsTree);
				}
				catch (NotUtf8Exception ex) {
					throw notAPage(reply, subject, attempts, "the body is not JSON encoded in UTF-8");
				}
				events.add(new LogPage.Event(event.json(), event.value()));
			}
			if (parser.nextToken() != null) {
				throw notAPage(reply, subject, attempts, "unexpected content after the array of events");
			}
		}
		catch (JacksonException ex) {
			throw notAPage(reply, subject, attempts, "the body is not valid JSON (" + ex.getOriginalMessage() + ")");
		}
		return events;
	}

	private static OktaException.Unavailable notAPage(OktaReply reply, String subject, int attempts, String why) {
		log.warn("Okta {} {}: answer {} is not a page of events: {}", OPERATION, subject, reply.status(), why);
		return new OktaException.Unavailable(
				"Okta " + OPERATION + " " + subject + " answered " + reply.status()
						+ " with a body that is not a page of events: " + why,
				reply.status(), null, null, attempts, null);
	}

	/**
	 * The {@code rel="next"} link of the answer, if it points at the org's System Log.
	 */
	URI next(List<String> linkHeaders) {
		for (String header : linkHeaders) {
			Matcher link = LINK.matcher(header);
			while (link.find()) {
				if (isNext(link.group(2))) {
					return onOrg(link.group(1).strip());
				}
			}
		}
		return null;
	}

	private static boolean isNext(String parameters) {
		Matcher rel = REL.matcher(parameters);
		while (rel.find()) {
			String value = (rel.group(1) != null) ? rel.group(1) : rel.group(2);
			for (String type : value.strip().split("\\s+")) {
				if ("next".equals(type.toLowerCase(Locale.ROOT))) {
					return true;
				}
			}
		}
		return false;
	}

	private URI onOrg(String link) {
		URI uri;
		try {
			uri = URI.create(link);
		}
		catch (IllegalArgumentException ex) {
			log.warn("Okta {}: ignored a next link that is not a URI", OPERATION);
			return null;
		}
		boolean onOrg = uri.isAbsolute() && Objects.equals(this.orgUrl.getScheme(), uri.getScheme())
				&& Objects.equals(this.orgUrl.getRawAuthority(), uri.getRawAuthority())
				&& LOGS_PATH.equals(uri.getRawPath());
		if (!onOrg) {
			log.warn("Okta {}: ignored a next link to {}://{}{}: not the org's System Log", OPERATION, uri.getScheme(),
					uri.getRawAuthority(), uri.getRawPath());
			return null;
		}
		return uri;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
