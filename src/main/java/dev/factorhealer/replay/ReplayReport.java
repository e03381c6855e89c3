package dev.factorhealer.replay;

import java.util.List;

/**
 * What a replay did (or, in a dry run, would do).
 *
 * @param topic the stuck topic read
 * @param dryRun whether anything was sent
 * @param examined records read from the stuck topic
 * @param replayed records sent back to their original topic
 * @param parked records sent to {@code okta.remediation.parked} by the loop guard
 * @param skipped records left alone by the filters
 * @param alreadyReplayed records left alone because an earlier replay sent them
 * @param firstOffset first offset replayed or parked ({@code partition@offset}), or null
 * @param lastOffset last offset replayed or parked, or null
 * @param records the records replayed or parked (at most 100 listed)
 */
public record ReplayReport(String topic, boolean dryRun, long examined, long replayed, long parked, long skipped,
		long alreadyReplayed, String firstOffset, String lastOffset, List<ReplayedRecord> records) {

	/** One record moved (or that would move). */
	public record ReplayedRecord(int partition, long offset, String key, String originalTopic, String exception,
			String reason, int replayCount, ReplayAction action) {
	}

}
