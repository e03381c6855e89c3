package dev.factorhealer.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording of the service spent its CPU in a time window in a time window: execution samples by thread, by top frame
 * (self) and by frame anywhere on the stack (inclusive), allocation samples by site, and GC
 * pauses. Runs on its own too: {@code java -cp ... dev.factorhealer.bench.JfrHotSpots file.jfr}.
 */
final class JfrHotSpots {

	private JfrHotSpots() {
	}

	public static void main(String[] args) throws IOException {
		print(Path.of(args[0]), System.out, args.length > 1 ? Integer.parseInt(args[1]) : 20, Instant.MIN, Instant.MAX);
	}

	/** Prints what happened between {@code from} and {@code to}. */
	static void print(Path recording, PrintStream out, int top, Instant from, Instant to) throws IOException {
		Map<String, Long> byThread = new HashMap<>();
		Map<String, Long> self = new HashMap<>();
		Map<String, Long> inclusive = new HashMap<>();
		Map<String, Long> ownCode = new HashMap<>();
		Map<String, Long> allocationSites = new HashMap<>();
		Map<String, Long> allocatedTypes = new HashMap<>();
		long samples = 0;
		long allocated = 0;
		long gcCount = 0;
		long gcPauseNanos = 0;
		long gcLongestNanos = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
			if (event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
				continue;
			}
			String type = event.getEventType().getName();
			switch (type) {
				case "jdk.ExecutionSample" -> {
					RecordedStackTrace stack = event.getStackTrace();
					if (stack == null || stack.getFrames().isEmpty()) {
						continue;
					}
					samples++;
					RecordedThread thread = event.getThread("sampledThread");
					byThread.merge(threadGroup(thread), 1L, Long::sum);
					List<RecordedFrame> frames = stack.getFrames();
					self.merge(name(frames.get(0)), 1L, Long::sum);
					Set<String> once = new HashSet<>();
					for (RecordedFrame frame : frames) {
						String name = name(frame);
						if (once.add(name)) {
							inclusive.merge(name, 1L, Long::sum);
							if (name.startsWith("dev.factorhealer.")) {
								ownCode.merge(name, 1L, Long::sum);
							}
						}
					}
				}
				case "jdk.ObjectAllocationSample" -> {
					long weight = event.getLong("weight");
					allocated += weight;
					allocatedTypes.merge(event.getClass("objectClass").getName(), weight, Long::sum);
					RecordedStackTrace stack = event.getStackTrace();
					if (stack != null) {
						allocationSites.merge(allocationSite(stack.getFrames()), weight, Long::sum);
					}
				}
				case "jdk.GarbageCollection" -> {
					gcCount++;
					long pause = event.getDuration("sumOfPauses").toNanos();
					gcPauseNanos += pause;
					gcLongestNanos = Math.max(gcLongestNanos, event.getDuration("longestPause").toNanos());
				}
				default -> {
				}
			}
		}
		out.printf("JFR %s%s: %d execution samples%n", recording.getFileName(),
				from == Instant.MIN ? "" : " from " + from + " to " + to, samples);
		section(out, "CPU samples by thread", byThread, samples, 10);
		section(out, "hot methods (self: top frame)", self, samples, top);
		section(out, "hot methods (inclusive: anywhere on the stack)", inclusive, samples, top + 10);
		section(out, "own code (inclusive)", ownCode, samples, 12);
		section(out, "allocation by site (first frame outside java.*/jdk.*)", allocationSites, allocated, top);
		section(out, "allocation by type", allocatedTypes, allocated, 12);
		out.printf("  GC: %d collections, %.0f ms paused in total, longest %.1f ms%n", gcCount, gcPauseNanos / 1e6,
				gcLongestNanos / 1e6);
	}

	private static void section(PrintStream out, String title, Map<String, Long> counts, long total, int top) {
		out.println("  " + title + ":");
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(top)
			.forEach(e -> out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static String allocationSite(List<RecordedFrame> frames) {
		for (RecordedFrame frame : frames) {
			String name = name(frame);
			if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
				return name;
			}
		}
		return frames.isEmpty() ? "?" : name(frames.get(0));
	}

	/** The thread's name with numbers folded, so that a pool shows as one line. */
	private static String threadGroup(RecordedThread thread) {
		if (thread == null) {
			return "?";
		}
		String name = thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
		return name == null ? "?" : name.replaceAll("\\d+", "#");
	}

}
