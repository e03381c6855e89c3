package dev.factorhealer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts JVMs of our own (a Kafka broker, the service) from the test classpath, so a test
 * can SIGKILL them for real. Their output goes to a file under {@code target/}; their
 * logging is kept at WARN (INFO for our own packages) so that files stay readable.
 */
public final class ChildProcesses {

	private ChildProcesses() {
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static Process startJava(String mainClass, List<String> jvmArgs, List<String> args, Path log) {
		try {
			Files.createDirectories(log.getParent());
			Path logback = log.getParent().resolve("logback-child.xml");
			Files.writeString(logback, """
					<configuration>
					  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
					    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
					  </appender>
					  <logger name="dev.factorhealer" level="INFO"/>
					  <root level="WARN"><appender-ref ref="OUT"/></root>
					</configuration>
					""");
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add("-Dlogback.configurationFile=" + logback);
			command.addAll(jvmArgs);
			command.add(mainClass);
			command.addAll(args);
			return new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** SIGKILL: no shutdown hook, no flush, no goodbye. */
	public static void kill(Process process) {
		if (process != null && process.isAlive()) {
			process.destroyForcibly();
			try {
				process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
