package dev.factorhealer.system;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What {@code --version} prints: the version and build time from
 * {@code META-INF/build-info.properties} and the commit from {@code git.properties} (both
 * written by the build; absent, the line says so).
 */
public final class BuildVersion {

	private BuildVersion() {
	}

	public static String describe() {
		Properties build = load("META-INF/build-info.properties");
		Properties git = load("git.properties");
		String version = build.getProperty("build.version", "unknown version");
		StringBuilder line = new StringBuilder("okta-factor-healer ").append(version);
		if (git.getProperty("git.commit.id.abbrev") != null) {
			line.append(" (commit ").append(git.getProperty("git.commit.id.abbrev"));
			if ("true".equals(git.getProperty("git.dirty"))) {
				line.append(", modified");
			}
			line.append(')');
		}
		if (build.getProperty("build.time") != null) {
			line.append(", built ").append(build.getProperty("build.time"));
		}
		return line.append(", Java ").append(Runtime.version().feature()).toString();
	}

	/** Whether the arguments ask for help ({@code --help}, {@code -h}). */
	public static boolean wantsHelp(String[] args) {
		for (String arg : args) {
			if ("--help".equals(arg) || "-h".equals(arg)) {
				return true;
			}
		}
		return false;
	}

	/** Whether the arguments ask for the version ({@code --version}). */
	public static boolean wantsVersion(String[] args) {
		for (String arg : args) {
			if ("--version".equals(arg)) {
				return true;
			}
		}
		return false;
	}

	private static Properties load(String resource) {
		Properties properties = new Properties();
		try (InputStream in = BuildVersion.class.getClassLoader().getResourceAsStream(resource)) {
			if (in != null) {
				properties.load(in);
			}
		}
		catch (IOException ex) {
			// the line says "unknown version"
		}
		return properties;
	}

}
