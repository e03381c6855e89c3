package dev.factorhealer.okta;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Escape hatches for local sandboxes and tests ({@code okta.testing.*}, the name Okta's
 * SDKs use).
 *
 * @param disableHttpsCheck {@code true} lets {@code okta.client.org-url} be plain http (a
 * fake or sandbox org on localhost). Never in production: the API token travels in every
 * request.
 */
@ConfigurationProperties("okta.testing")
record OktaTestingProperties(@DefaultValue("false") boolean disableHttpsCheck) {

}
