package dev.factorhealer.support;

/** Reads one sample out of a Prometheus text exposition. */
public final class PrometheusText {

	private PrometheusText() {
	}

	/**
	 * The value of the first sample of {@code name} whose labels contain every one of
	 * {@code labels} (e.g. {@code outcome="REENROLLED"}); {@code NaN} when there is none.
	 */
	public static double value(String scrape, String name, String... labels) {
		for (String line : scrape.split("\n")) {
			if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
				continue;
			}
			boolean all = true;
			for (String label : labels) {
				all &= line.contains(label);
			}
			if (all) {
				return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return Double.NaN;
	}

}
