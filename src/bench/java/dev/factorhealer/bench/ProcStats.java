package dev.factorhealer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Memory and CPU figures of a Linux process, from {@code /proc/<pid>/status} and {@code /proc/<pid>/stat}. */
final class ProcStats {

	/** Clock ticks per second of {@code /proc/<pid>/stat} times ({@code getconf CLK_TCK}, 100 on Linux). */
	private static final double TICKS = 100.0;

	private ProcStats() {
	}

	static long statusKib(long pid, String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
				if (line.startsWith(field + ":")) {
					return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the process is gone
		}
		return -1;
	}

	/** utime + stime in seconds; -1 when unreadable. */
	static double cpuSeconds(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state); utime is field 14, stime field 15
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * CPU seconds (user + system) of every thread of the process, summed by thread name with
	 * numbers folded ({@code /proc/<pid>/task/<tid>/comm}: the JVM's thread names cut to 15
	 * characters), so a pool shows as one entry.
	 */
	static Map<String, Double> threadCpu(long pid) {
		Map<String, Double> byName = new HashMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			tasks.forEach(task -> {
				try {
					String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "#");
					String stat = Files.readString(task.resolve("stat"));
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
					byName.merge(name, cpu, Double::sum);
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended
				}
			});
		}
		catch (IOException | RuntimeException ex) {
			// the process is gone
		}
		return byName;
	}

	/** User and system CPU seconds, separately. */
	static double[] userSystemSeconds(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return new double[] { Long.parseLong(fields[11]) / TICKS, Long.parseLong(fields[12]) / TICKS };
		}
		catch (IOException | RuntimeException ex) {
			return new double[] { -1, -1 };
		}
	}

	/**
	 * The threads that used the most CPU between two {@link #threadCpu} readings, as
	 * {@code " name 1.2 s,"} each, busiest first.
	 */
	static String busiest(Map<String, Double> before, Map<String, Double> after, double minSeconds, int limit) {
		StringBuilder top = new StringBuilder();
		after.entrySet()
			.stream()
			.map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
			.filter(e -> e.getValue() >= minSeconds)
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
			.limit(limit)
			.forEach(e -> top.append(String.format(java.util.Locale.ROOT, " %s %.1f s,", e.getKey(), e.getValue())));
		return top.toString();
	}

}
