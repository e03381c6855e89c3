package dev.factorhealer.system;

import jakarta.validation.constraints.NotBlank;

/**
 * The name of every topic the service writes or reads, in one place
 * ({@code healer.topics.names.*}): the modules, the stream bindings in
 * {@code application.yml} and the commands all take their names from here, so a
 * deployment that renames a topic renames it once. The default names are written once, in
 * the service's {@code application.yml}; which module writes and which reads each topic
 * is in {@code docs/architecture.md}.
 *
 * @param events System Log events, as received
 * @param requests remediation requests
 * @param results the audit: one result per request
 * @param deletions the deletion ledger (one partition)
 * @param mode the remediation mode (compacted, one partition)
 * @param brake the brake (compacted, one partition)
 * @param followups follow-ups of healed users
 * @param followupState open follow-ups (compacted)
 * @param systemlogCursor the System Log poller's cursor and lease (compacted)
 * @param eventsStuck events a consumer could not process
 * @param requestsStuck requests a consumer could not process
 * @param parked records replayed too often
 * @param replayLedger what was replayed
 */
public record TopicNames(@NotBlank String events, @NotBlank String requests, @NotBlank String results,
		@NotBlank String deletions, @NotBlank String mode, @NotBlank String brake, @NotBlank String followups,
		@NotBlank String followupState, @NotBlank String systemlogCursor, @NotBlank String eventsStuck,
		@NotBlank String requestsStuck, @NotBlank String parked, @NotBlank String replayLedger) {
}
