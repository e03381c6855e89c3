package dev.factorhealer.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's own {@code healer_hook_publish_seconds} histogram (request start to the last
 * Kafka acknowledgement, measured inside the service) read from {@code /actuator/prometheus}:
 * the difference of two scrapes gives the server-side view of a phase, to set against the
 * client-side latency (what lies between the two is HTTP, Tomcat and scheduling).
 */
final class PublishHistogram {

	private static final Pattern BUCKET = Pattern
		.compile("^healer_hook_publish_seconds_bucket\\{.*le=\"([^\"]+)\".*} ([0-9.eE+-]+)$");

	private final TreeMap<Double, Double> cumulative;

	private PublishHistogram(TreeMap<Double, Double> cumulative) {
		this.cumulative = cumulative;
	}

	static PublishHistogram scrape(URI prometheus) {
		TreeMap<Double, Double> buckets = new TreeMap<>();
		try {
			String text = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(prometheus).timeout(Duration.ofSeconds(10)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			for (String line : text.split("\n")) {
				Matcher matcher = BUCKET.matcher(line);
				if (matcher.matches()) {
					double le = matcher.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY
							: Double.parseDouble(matcher.group(1));
					buckets.merge(le, Double.parseDouble(matcher.group(2)), Double::sum);
				}
			}
		}
		catch (Exception ex) {
			// no figures then
		}
		return new PublishHistogram(buckets);
	}

	/** The requests counted since {@code before}. */
	PublishHistogram since(PublishHistogram before) {
		TreeMap<Double, Double> delta = new TreeMap<>();
		for (Map.Entry<Double, Double> bucket : this.cumulative.entrySet()) {
			delta.put(bucket.getKey(), bucket.getValue() - before.cumulative.getOrDefault(bucket.getKey(), 0.0));
		}
		return new PublishHistogram(delta);
	}

	double count() {
		return this.cumulative.isEmpty() ? 0 : this.cumulative.lastEntry().getValue();
	}

	/** Upper bound (ms) of the bucket holding the percentile; NaN without data. */
	double millis(double percentile) {
		double total = count();
		if (total <= 0) {
			return Double.NaN;
		}
		for (Map.Entry<Double, Double> bucket : this.cumulative.entrySet()) {
			if (bucket.getValue() >= total * percentile / 100) {
				return bucket.getKey() * 1000;
			}
		}
		return Double.NaN;
	}

	@Override
	public String toString() {
		return String.format(java.util.Locale.ROOT, "p50 <= %.1f ms, p99 <= %.1f ms, p99.9 <= %.1f ms (%,.0f requests)",
				millis(50), millis(99), millis(99.9), count());
	}

}
