package dev.factorhealer.okta;

/**
 * One line of {@code doctor}: what was checked, whether it is fine, what was seen, and
 * what to do when it is not.
 *
 * @param name what was checked
 * @param ok whether it passed
 * @param detail what was seen (never a secret)
 * @param action what to do about a failure, {@code null} when it passed
 */
public record DoctorCheck(String name, boolean ok, String detail, String action) {

	public static DoctorCheck ok(String name, String detail) {
		return new DoctorCheck(name, true, detail, null);
	}

	public static DoctorCheck fail(String name, String detail, String action) {
		return new DoctorCheck(name, false, detail, action);
	}

}
