package dev.factorhealer.detection;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DetectionMemoryTests {

	private final DetectionMemory memory = new DetectionMemory(Duration.ofHours(1), 1000, Duration.ofMinutes(10), 1000);

	@Test
	void theFirstRecordOfAnEventClaimsItAndAnotherRecordOfItIsADuplicate() {
		assertThat(this.memory.claimEvent("e1", "0@10")).isTrue();
		assertThat(this.memory.claimEvent("e1", "3@7")).isFalse();
		assertThat(this.memory.claimEvent("e2", "3@7")).isTrue();
	}

	@Test
	void theSameRecordDeliveredAgainIsDecidedTheSameWay() {
		assertThat(this.memory.claimEvent("e1", "0@10")).isTrue();
		assertThat(this.memory.claimEvent("e1", "0@10")).as("a retry of the same record").isTrue();
		assertThat(this.memory.claimUser("00u1", "0@10")).isTrue();
		assertThat(this.memory.claimUser("00u1", "0@10")).isTrue();
	}

	@Test
	void aUserIsAskedForOncePerWindow() {
		assertThat(this.memory.claimUser("00u1", "0@1")).isTrue();
		assertThat(this.memory.claimUser("00u1", "0@2")).isFalse();
		assertThat(this.memory.claimUser("00u2", "0@2")).isTrue();
	}

	@Test
	void eventsAndUsersAreRememberedApart() {
		assertThat(this.memory.claimEvent("same-text", "0@1")).isTrue();
		assertThat(this.memory.claimUser("same-text", "0@2")).isTrue();
	}

	@Test
	void aUserMayBeAskedForAgainOnceTheWindowHasPassed() {
		DetectionMemory shortWindow = new DetectionMemory(Duration.ofHours(1), 1000, Duration.ofMillis(200), 1000);
		assertThat(shortWindow.claimUser("00u1", "0@1")).isTrue();
		assertThat(shortWindow.claimUser("00u1", "0@2")).isFalse();

		await().atMost(Duration.ofSeconds(5)).until(() -> shortWindow.claimUser("00u1", "0@3"));
		assertThat(shortWindow.claimEvent("e1", "0@3")).as("events have their own, longer time").isTrue();
		assertThat(shortWindow.claimEvent("e1", "0@4")).isFalse();
	}

}
