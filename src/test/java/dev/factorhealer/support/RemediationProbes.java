package dev.factorhealer.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a heal-loop test watches, opened fresh for every test: the results topic (the
 * audit) and the requests' stuck topic, each reading only what arrives after the test
 * starts; the fake org is healthy before and after. Register with
 * {@code @RegisterExtension final RemediationProbes probes = new RemediationProbes();}.
 */
public final class RemediationProbes implements BeforeEachCallback, AfterEachCallback {

	public static final String RESULTS = "okta.remediation.results";

	public static final String REQUESTS_STUCK = "okta.remediation.requests.dlq";

	private TopicProbe results;

	private TopicProbe stuck;

	@Override
	public void beforeEach(ExtensionContext context) {
		IntegrationTestSupport.okta().recover();
		this.results = TopicProbe.open(RESULTS);
		this.stuck = TopicProbe.open(REQUESTS_STUCK);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		IntegrationTestSupport.okta().recover();
		this.results.close();
		this.stuck.close();
	}

	/** Results written since the test started. */
	public TopicProbe results() {
		return this.results;
	}

	/** Requests dead-lettered since the test started. */
	public TopicProbe stuck() {
		return this.stuck;
	}

}
