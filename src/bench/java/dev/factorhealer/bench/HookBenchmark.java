package dev.factorhealer.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.support.StandaloneKafka;

/**
 * {@code ./mvnw -B -Pbench verify}: the service's throughput, latency, Kafka exactness, detection's
 * lag drain, CPU, heal-path budget use, memory and start-up on this machine, in one run, against
 * baselines measured in the same run (Kafka's own ProducerPerformance on the same broker; the same
 * JVM without the start-up measures). Starts a standalone Kafka broker process, fake Okta orgs and
 * the service as the image runs it ({@link ImageRun}: the Dockerfile's extraction, AOT training run,
 * {@code deploy/jvm.options} and ENTRYPOINT, with the JVM release of its runtime stage), dry-run for
 * ingest, then live for the heal path; all traffic stays on 127.0.0.1. Prints the figures, then one
 * table with each must-show of issue 15, its target and PASS/FAIL, and writes both under
 * {@code target/bench/}.
 * <p>
 * The ingest phases: a warm-up, a closed loop at the smaller connection counts, then a burst at
 * the largest (64) once detection has no lag, after which detection's lag drain is timed (time
 * from the burst's start to lag 0, over the burst's length), then, once the follow-up tracker's
 * group has read what the burst wrote too (a steady state, no backlog), an open loop at half the
 * saturation. Start-up: the service is started {@code --startups} times each way, alternately,
 * without and with the start-up measures, and each start is followed by an open loop at a quarter
 * of the saturation ({@code --steady-share=0.25}) to see when its p99 settles (every later second
 * at or under 50 ms).
 * <p>
 * Options ({@code -Dbench.args="--jfr --heal-users=60"}): {@code --warmup=30} {@code --phase=20}
 * {@code --burst=60} {@code --latency=30} {@code --lead-in=5} (the open loop at half the saturation
 * first runs this long, printed but not counted) {@code --steady=20} (seconds), {@code --startups=2},
 * {@code --connections=16,64}, {@code --ceiling-records=300000}, {@code --java-home=/usr/lib/jvm/...}
 * (the JDK for the image's runtime release), {@code --skip-startup},
 * {@code --heal-users=80}, {@code --trickle-users=20}, {@code --trickle-interval=3} (s),
 * {@code --budget=100}, {@code --okta-limit=120}, {@code --heal-workers=N} (remediate-in-0
 * concurrency; default: the service's), {@code --pause-after-delete=1s} (default: the service's),
 * {@code --service-jvm=-XX:+UnlockDiagnosticVMOptions,-XX:+PrintCompilation} (comma-separated, added to the
 * shipped options: the figures are then
 * not the shipped ones), {@code --client=jdk} (load from java.net.http.HttpClient instead of plain
 * sockets), {@code --drain=300} (s to wait for detection to catch up), {@code --steady-share=0.25}
 * (load after each start, share of the saturation), {@code --jfr} (the ingest service records JFR
 * from its start; hot spots of the burst and of detection catching up are printed; its RSS then
 * includes JFR's),
 * {@code --nmt} (native memory tracking of the ingest service, printed after the ingest phases),
 * {@code --keep-data} (keep the broker's records under target/standalone-kafka; by default deleted),
 * {@code --skip-heal}, {@code --jar=path} (default: the jar in target/), {@code --only-startup} (only the
 * ready times, without and with the start-up measures, alternately, {@code --startups} pairs,
 * default 5, with their medians: a few minutes).
 */
public final class HookBenchmark {

	private static final String SECRET = "bench-kjovkGpRDWQ5gj9t7GkRZdnRI7eZko52";

	private static final String TOPIC = "okta.events";

	private final Map<String, String> options;

	private final Path out = Path.of("target", "bench").toAbsolutePath();

	private final PrintStream log = System.out;

	private final List<String> notes = new ArrayList<>();

	private LoadDeliveries deliveries;

	private HookBenchmark(Map<String, String> options) {
		this.options = options;
	}

	public static void main(String[] args) throws Exception {
		// drop idle connections before Tomcat does (keep-alive 5 s), so a POST never meets a closed one
		System.setProperty("jdk.httpclient.keepalive.timeout", "3");
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(ch.qos.logback.classic.Level.WARN);
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			for (String token : arg.trim().split("\\s+(?=--)")) {
				if (token.startsWith("--")) {
					int eq = token.indexOf('=');
					options.put(eq < 0 ? token.substring(2) : token.substring(2, eq),
							eq < 0 ? "true" : unquote(token.substring(eq + 1)));
				}
			}
		}
		// stopped early (Ctrl-C, SIGTERM): take the broker, the service and the load tools along
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
		new HookBenchmark(options).run();
		System.exit(0);
	}

	private static String unquote(String value) {
		return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1)
				: value;
	}

	private int intOption(String name, int fallback) {
		return Integer.parseInt(this.options.getOrDefault(name, String.valueOf(fallback)));
	}

	private void run() throws Exception {
		Files.createDirectories(this.out);
		String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		Path jar = Path.of(this.options.getOrDefault("jar", findJar()));
		Duration warmup = Duration.ofSeconds(intOption("warmup", 30));
		Duration phase = Duration.ofSeconds(intOption("phase", 20));
		Duration latencyPhase = Duration.ofSeconds(intOption("latency", 30));
		List<Integer> connections = Arrays.stream(this.options.getOrDefault("connections", "16,64").split(","))
			.map(String::trim)
			.map(Integer::parseInt)
			.toList();
		List<String> serviceJvm = this.options.containsKey("service-jvm")
				? List.of(this.options.get("service-jvm").trim().split("[\\s,]+")) : List.of();
		if (!serviceJvm.isEmpty()) {
			this.notes.add("--service-jvm " + serviceJvm + " was added to the shipped options: not the shipped figures");
		}
		boolean jfr = this.options.containsKey("jfr");
		this.log.printf("okta-factor-healer benchmark %s: %d cores, %s, load average %s; jar %s%n", stamp,
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), loadAverage(),
				jar.getFileName());

		Report report = new Report();
		this.log.println("Building the image's /app as the Dockerfile does (extract, layers, AOT training run) ...");
		ImageRun image = ImageRun.build(Path.of("").toAbsolutePath(), jar, this.out, this.options.get("java-home"),
				this.out.resolve("aot-training.log"));
		report.training = image.training();
		report.memoryLimitMib = image.memoryLimitBytes() >> 20;
		this.log.printf("  %s, training run %.1f s; shipped options (deploy/jvm.options) %s, container limit %d MiB "
				+ "(-XX:MaxRAM)%n", image.javaVersion(), image.training().toNanos() / 1e9, image.options(),
				report.memoryLimitMib);
		report.details.writeBytes(("shipped command: " + image.shipped(serviceJvm) + "\nwithout start-up measures: "
				+ image.withoutStartupMeasures(serviceJvm) + "\n").getBytes(StandardCharsets.UTF_8));
		Path brokers = Path.of("target", "standalone-kafka").toAbsolutePath();
		List<Path> before = brokerDirs(brokers);
		if (this.options.containsKey("only-startup")) {
			try (StandaloneKafka kafka = StandaloneKafka.start("bench"); FakeOktaOrg okta = FakeOktaOrg.start()) {
				this.log.println("Kafka broker up at " + kafka.bootstrapServers());
				onlyStartups(image, serviceJvm, startupSettings(kafka.bootstrapServers(), okta));
			}
			finally {
				dropBrokerData(brokers, before);
			}
			return;
		}
		try (StandaloneKafka kafka = StandaloneKafka.start("bench")) {
			String bootstrap = kafka.bootstrapServers();
			long brokerPid = childPid("kafka.Kafka");
			this.log.println("Kafka broker up at " + bootstrap + " (pid " + brokerPid + ")");

			// 1. the ceiling: Kafka's own producer benchmark on the same broker
			KafkaCeiling.createTopic(bootstrap, "bench.ceiling", 6);
			KafkaCeiling.measure(bootstrap, "bench.ceiling", 50_000, this.out.resolve("ceiling-warmup.log"));
			long ceilingRecords = intOption("ceiling-records", 300_000);
			double brokerCpu0 = ProcStats.cpuSeconds(brokerPid);
			long t0 = System.nanoTime();
			report.ceiling = KafkaCeiling.measure(bootstrap, "bench.ceiling", ceilingRecords,
					this.out.resolve("ceiling.log"));
			double ceilingSeconds = (System.nanoTime() - t0) / 1e9;
			report.ceilingBrokerCores = (ProcStats.cpuSeconds(brokerPid) - brokerCpu0) / ceilingSeconds;
			this.log.printf("Kafka ceiling: %,.0f records/s (%.1f MB/s, avg %.1f ms, p99 %d ms), broker %.2f cores%n",
					report.ceiling.recordsPerSecond(), report.ceiling.megabytesPerSecond(), report.ceiling.avgLatencyMs(),
					report.ceiling.p99Ms(), report.ceilingBrokerCores);

			// 2. ingest: the service in dry-run against a fake Okta org with a few stuck users
			try (FakeOktaOrg okta = FakeOktaOrg.start()) {
				List<String> stuck = okta.seedStuckUsers(20);
				Map<String, String> settings = startupSettings(bootstrap, okta);
				List<String> ingestJvm = new ArrayList<>(serviceJvm);
				if (jfr) {
					// recording from the start: started later (jcmd JFR.start) it re-instruments classes
					// and deoptimizes, and throughput collapses for minutes
					ingestJvm.add("-XX:StartFlightRecording=name=bench,settings=profile,disk=true,maxage=30m");
				}
				if (this.options.containsKey("nmt")) {
					ingestJvm.add("-XX:NativeMemoryTracking=summary");
				}
				try (ServiceUnderTest service = ServiceUnderTest.start("service-ingest", image.shipped(ingestJvm),
						image.directory(), image.environment(), settings, this.out)) {
					report.startupIngest = service.startup();
					this.log.printf("Service (dry-run) ready in %.2f s, pid %d%n", service.startup().toNanos() / 1e9,
							service.pid());
					ingest(report, service, bootstrap, brokerPid, stuck, warmup, phase, latencyPhase, connections, jfr,
							stamp);
					report.ingestPeakRssKib = service.peakRssKib();
					report.ingestRssKib = service.rssKib();
					jcmd(service.pid(), "GC.heap_info");
					String heap = Files.readString(this.out.resolve("jcmd.log"));
					report.details.writeBytes(("service heap after the ingest phases (jcmd GC.heap_info):\n" + heap)
						.getBytes(StandardCharsets.UTF_8));
					if (this.options.containsKey("nmt")) {
						jcmd(service.pid(), "VM.native_memory", "summary");
						String nmt = Files.readString(this.out.resolve("jcmd.log"));
						report.details.writeBytes(("native memory (jcmd VM.native_memory summary):\n" + nmt)
							.getBytes(StandardCharsets.UTF_8));
						this.log.print(nmt);
					}
					this.log.print("  heap: " + heap.lines().filter(l -> l.contains("total")).findFirst().orElse("?").trim()
							+ "\n");
					long detectionLag = awaitLag(bootstrap, "healer-detection", TOPIC, Duration.ofSeconds(120));
					long remediationLag = awaitLag(bootstrap, "healer-remediation", "okta.remediation.requests",
							Duration.ofSeconds(120));
					report.detectionLag = detectionLag;
					if (detectionLag != 0 || remediationLag != 0) {
						this.notes.add("after the ingest phases the detection group still lagged " + detectionLag
								+ " records and remediation " + remediationLag + " (waited 120 s each)");
					}
					report.ingestPeakRssKib = service.peakRssKib();
					service.stop();
				}
				if (!this.options.containsKey("skip-startup")) {
					startups(report, image, serviceJvm, settings);
				}
			}

			// 3. heal: a second start, live, against a rate-limited org
			if (!this.options.containsKey("skip-heal")) {
				heal(report, bootstrap, image, serviceJvm);
			}
		}
		dropBrokerData(brokers, before);
		String table = report.table(this.notes);
		this.log.println();
		this.log.println(table);
		Path summary = this.out.resolve("summary-" + stamp + ".txt");
		Files.writeString(summary, table + "\n" + report.details.toString(StandardCharsets.UTF_8));
		this.log.println("Written to " + summary + " (logs and recordings in " + this.out + ")");
	}

	private void ingest(Report report, ServiceUnderTest service, String bootstrap, long brokerPid, List<String> stuck,
			Duration warmup, Duration phase, Duration latencyPhase, List<Integer> connections, boolean jfr, String stamp)
			throws Exception {
		LoadDeliveries deliveries = new LoadDeliveries(LoadDeliveries.userIds(5000), stuck);
		HookLoad load = new HookLoad(service.url("/hooks/okta"), SECRET, deliveries, 40_000_000L,
				"jdk".equals(this.options.get("client")));
		this.deliveries = deliveries;
		Duration burst = Duration.ofSeconds(intOption("burst", 60));
		int most = connections.stream().mapToInt(Integer::intValue).max().orElse(64);
		this.log.printf("JIT warm-up: %d connections for %d s%n", most, warmup.toSeconds());
		HookLoad.Phase warm = load.closedLoop("warmup", most, warmup);
		this.log.printf("  warm-up: %,.0f deliveries/s, failures %s%n", warm.deliveriesPerSecond(), warm.failures());
		for (int i = 0; i < connections.size(); i++) {
			int c = connections.get(i);
			boolean last = i == connections.size() - 1;
			boolean profile = jfr && last;
			if (last) {
				// the burst starts from an empty lag, so that its drain is the burst's alone
				long lag = awaitLag(bootstrap, "healer-detection", TOPIC, Duration.ofSeconds(120));
				this.log.printf("Burst: %d connections for %d s (detection lag before: %d)%n", c, burst.toSeconds(), lag);
				if (lag != 0) {
					this.notes.add("detection still lagged " + lag + " records when the burst started (waited 120 s)");
				}
			}
			Instant phaseStart = Instant.now();
			long started = System.nanoTime();
			Cpu cpu = Cpu.start(service.pid(), brokerPid);
			HookLoad.Phase measured = load.closedLoop("c" + c, c, last ? burst : phase);
			report.closed.add(measured);
			report.cpu.put(c, cpu.stop());
			String threads = cpu.serviceThreads();
			report.details.writeBytes(("service threads @" + c + " connections: " + threads + "\n")
				.getBytes(StandardCharsets.UTF_8));
			this.log.println("  service threads: " + threads);
			this.log.printf("  %d connections: %,.0f deliveries/s = %,.0f events/s; p50 %.1f ms p99 %.1f ms; "
					+ "failures %s; CPU cores: %s%n", c, measured.deliveriesPerSecond(), measured.eventsPerSecond(),
					measured.millis(50), measured.millis(99), measured.failures(), report.cpu.get(c));
			if (last) {
				drainAfterBurst(report, service, bootstrap, started, measured, jfr, stamp);
			}
			if (profile) {
				profile(service, "service-" + c + "conn-" + stamp + ".jfr", phaseStart, Instant.now(), report);
			}
		}
		// the follow-up tracker reads okta.events too, in a group of its own: the open loop
		// measures a steady state, so it starts once that group too has read what the burst
		// wrote (its catching up would otherwise share the cores with the measured load)
		long followUpLag = TopicAudit.lag(bootstrap, "healer-followup", TOPIC);
		long followUpWait = System.nanoTime();
		long followUpLeft = awaitLag(bootstrap, "healer-followup", TOPIC, Duration.ofSeconds(120));
		String followUp = String.format(Locale.ROOT,
				"follow-up tracker after the burst: lag %,d events, %s after %.1f s more", followUpLag,
				followUpLeft == 0 ? "0" : followUpLeft + " still", (System.nanoTime() - followUpWait) / 1e9);
		this.log.println(followUp);
		report.details.writeBytes((followUp + "\n").getBytes(StandardCharsets.UTF_8));
		double saturation = report.closed.stream().mapToDouble(HookLoad.Phase::deliveriesPerSecond).max().orElse(1);
		double rate = Math.max(1, saturation / 2);
		report.halfSaturation = rate;
		// a lead-in at the same rate, printed, not counted: the figure starts from a steady
		// state at that rate rather than from the change of load (the burst, then the
		// follow-up tracker catching up alone)
		Duration leadIn = Duration.ofSeconds(intOption("lead-in", 5));
		if (!leadIn.isZero()) {
			HookLoad.Timeline lead = load.openLoopTimeline("lead-in", rate, leadIn, 64);
			this.log.printf("Lead-in at %.0f deliveries/s for %d s (not counted): p99 %.2f ms; p99 of each second over "
					+ "50 ms: %s%n", rate, leadIn.toSeconds(), lead.phase().millis(99),
					secondsOver(lead.p99BySecond(), 50));
		}
		this.log.printf("Open loop at %.0f deliveries/s (half of %.0f) for %d s%n", rate, saturation,
				latencyPhase.toSeconds());
		Cpu cpu = Cpu.start(service.pid(), brokerPid);
		PublishHistogram before = PublishHistogram.scrape(service.managementUrl("/actuator/prometheus"));
		HookLoad.Timeline halfTimeline = load.openLoopTimeline("half", rate, latencyPhase, 64);
		report.open = halfTimeline.phase();
		report.openCpu = cpu.stop();
		report.openServerSide = PublishHistogram.scrape(service.managementUrl("/actuator/prometheus")).since(before);
		this.log.println("  inside the service (healer_hook_publish_seconds): " + report.openServerSide);
		this.log.println("  service threads: " + cpu.serviceThreads());
		this.log.printf("  ack latency p50 %.2f ms p99 %.2f ms p99.9 %.2f ms max %.2f ms; %,d ok, failures %s%n",
				report.open.millis(50), report.open.millis(99), report.open.millis(99.9),
				report.open.latency().getMaxValue() / 1e6, report.open.ok(), report.open.failures());
		// one stall shows as a few bad seconds, a slow service as many
		this.log.println("  p99 of each second over 50 ms: " + secondsOver(halfTimeline.p99BySecond(), 50));
		this.log.println("Auditing " + TOPIC + " against the deliveries answered 200 ...");
		report.audit = TopicAudit.audit(bootstrap, TOPIC, deliveries, load, Duration.ofMinutes(5));
		this.log.printf("  %s%n", report.audit);
	}

	/** "second 12: 180.3 ms, ..." for the seconds whose p99 is over {@code millis}, or "none". */
	static String secondsOver(double[] p99BySecond, double millis) {
		StringBuilder over = new StringBuilder();
		for (int s = 0; s < p99BySecond.length; s++) {
			if (p99BySecond[s] > millis) {
				over.append(over.isEmpty() ? "" : ", ")
					.append(String.format(Locale.ROOT, "second %d: %.1f ms", s, p99BySecond[s]));
			}
		}
		return over.isEmpty() ? "none" : over.toString();
	}

	private void heal(Report report, String bootstrap, ImageRun image, List<String> serviceJvm) throws Exception {
		int budget = intOption("budget", 100);
		int limit = intOption("okta-limit", 120);
		int users = intOption("heal-users", 80);
		int trickle = intOption("trickle-users", 20);
		Duration interval = Duration.ofMillis((long) (Double.parseDouble(this.options.getOrDefault("trickle-interval",
				"3")) * 1000));
		try (FakeOktaOrg okta = FakeOktaOrg.start()) {
			okta.rateLimit(limit, Duration.ofSeconds(60));
			List<String> backlog = okta.seedStuckUsers(users);
			List<String> trickling = okta.seedStuckUsers(trickle);
			Map<String, String> settings = startupSettings(bootstrap, okta);
			settings.put("healer.remediation.mode", "live");
			settings.put("healer.okta.requests-per-minute", String.valueOf(budget));
			settings.put("healer.remediation.max-deletions-per-hour", String.valueOf(10 * (users + trickle)));
			Optional.ofNullable(this.options.get("pause-after-delete"))
				.ifPresent(p -> settings.put("healer.remediation.pause-after-delete", p));
			Optional.ofNullable(this.options.get("heal-workers"))
				.ifPresent(w -> settings.put("spring.cloud.stream.bindings.remediate-in-0.consumer.concurrency", w));
			this.log.printf("Heal path: %d stuck users as a backlog, then %d at one per %.1f s; budget %d/min, "
					+ "fake org limit %d/min%s%s%n", users, trickle, interval.toMillis() / 1000.0, budget, limit,
					this.options.containsKey("heal-workers") ? ", " + this.options.get("heal-workers") + " workers" : "",
					this.options.containsKey("pause-after-delete")
							? ", pause after delete " + this.options.get("pause-after-delete") : "");
			try (ServiceUnderTest service = ServiceUnderTest.start("service-heal", image.shipped(serviceJvm),
					image.directory(), image.environment(), settings, this.out)) {
				report.startupHeal = service.startup();
				this.log.printf("Service (live) ready in %.2f s, pid %d%n", service.startup().toNanos() / 1e9,
						service.pid());
				HealRun run = new HealRun(bootstrap, okta, service.url("/hooks/okta"), SECRET, this.log);
				report.heal = run.run(backlog, trickling, interval, budget, limit);
				run.writeCalls(this.out.resolve("heal-okta-calls.csv"));
				report.healPeakRssKib = service.peakRssKib();
				HealRun.Result h = report.heal;
				this.log.printf("  heal: %d accepted Okta calls, max %d in 60 s, %.1f/min with a backlog, %d x 429, "
						+ "outcomes %s, %d without result%n", h.acceptedCalls(), h.maxIn60s(), h.backlogCallsPerMinute(),
						h.throttled(), h.outcomes(), h.missingResults());
				service.stop();
			}
		}
	}

	/**
	 * How long detection takes to read what a burst wrote: the {@code healer-detection} group's
	 * lag on {@code okta.events}, sampled every second from the burst's end until it is 0 (at most
	 * {@code --drain} s, default 300). The ratio is the time from the burst's start to lag 0 over
	 * the burst's length: 1.0 when detection keeps up. The service's CPU while only detection
	 * works (the load stopped) gives its CPU per event.
	 */
	private void drainAfterBurst(Report report, ServiceUnderTest service, String bootstrap, long burstStart,
			HookLoad.Phase burst, boolean jfr, String stamp) throws Exception {
		Instant drainStart = Instant.now();
		long ended = System.nanoTime();
		double cpu0 = service.cpuSeconds();
		Map<String, Double> threads0 = ProcStats.threadCpu(service.pid());
		long first = TopicAudit.lag(bootstrap, "healer-detection", TOPIC);
		report.lagAfterBurst = first;
		long deadline = ended + TimeUnit.SECONDS.toNanos(intOption("drain", 300));
		long lag = first;
		long zeroAt = first == 0 ? ended : -1;
		while (lag != 0 && System.nanoTime() < deadline) {
			ServiceUnderTest.sleep(1000);
			long now = TopicAudit.lag(bootstrap, "healer-detection", TOPIC);
			if (now >= 0) {
				lag = now;
			}
			if (lag == 0) {
				zeroAt = System.nanoTime();
			}
		}
		double drainSeconds = ((zeroAt < 0 ? System.nanoTime() : zeroAt) - ended) / 1e9;
		double cpu = service.cpuSeconds() - cpu0;
		report.burstSeconds = burst.seconds();
		report.drainRatio = zeroAt < 0 ? -1 : (zeroAt - burstStart) / 1e9 / burst.seconds();
		report.drainSeconds = drainSeconds;
		report.detectionLag = lag;
		long drained = Math.max(0, first - lag);
		report.detectionCpuMicrosPerEvent = drained > 0 && drainSeconds >= 1 ? cpu / drained * 1e6 : -1;
		report.detectionPerSecond = drainSeconds > 0 ? drained / drainSeconds : 0;
		String top = ProcStats.busiest(threads0, ProcStats.threadCpu(service.pid()), 0.05, 8);
		report.details.writeBytes(("service CPU by thread while detection drained: " + top + "\n")
			.getBytes(StandardCharsets.UTF_8));
		this.log.printf("Detection lagged %,d events when the %.0f s burst ended; lag %s after %.1f s more "
				+ "(%,.0f events/s, service CPU %.1f s = %.1f us/event:%s)%n", first, burst.seconds(),
				lag == 0 ? "0" : lag + " still", drainSeconds, report.detectionPerSecond, cpu,
				report.detectionCpuMicrosPerEvent, top);
		if (jfr && drainSeconds > 1) {
			profile(service, "service-detection-" + stamp + ".jfr", drainStart,
					drainStart.plusNanos(Math.min((long) (drainSeconds * 1e9), TimeUnit.SECONDS.toNanos(30))), report);
		}
	}

	/**
	 * Ready time and time to a steady p99, with and without the start-up measures, alternately (so
	 * that a noisy neighbour hits both alike): each start is followed by an open loop at a share of
	 * the saturation for {@code --steady} s.
	 */
	private void startups(Report report, ImageRun image, List<String> serviceJvm, Map<String, String> settings)
			throws Exception {
		int pairs = intOption("startups", 2);
		Duration steady = Duration.ofSeconds(intOption("steady", 20));
		// a quarter of the saturation: a cold JVM does not keep up with half, and a loop that falls
		// behind never settles within the loop, with or without the measures
		double rate = Math.max(1, report.halfSaturation * 2 * Double.parseDouble(this.options.getOrDefault("steady-share",
				"0.25")));
		report.startRate = rate;
		alternately(image, serviceJvm, settings, pairs, (service, shipped) -> {
			HookLoad load = new HookLoad(service.url("/hooks/okta"), SECRET, this.deliveries, 40_000_000L,
					"jdk".equals(this.options.get("client")));
			HookLoad.Timeline timeline = load.openLoopTimeline("start", rate, steady, 64);
			int after = timeline.steadyAfter(50);
			Start start = new Start(shipped, service.startup(), after, steady, timeline.phase().millis(99),
					service.peakRssKib());
			report.starts.add(start);
			this.log.printf("  %s: ready in %.2f s; p99 by second at %.0f deliveries/s %s; %s%n",
					shipped ? "with the start-up measures   " : "without the start-up measures",
					service.startup().toNanos() / 1e9, rate, Arrays.toString(Arrays.stream(timeline.p99BySecond())
						.mapToLong(Math::round)
						.toArray()), start.steadyText());
		});
	}

	/** What is measured of one start. */
	@FunctionalInterface
	private interface AfterStart {

		void accept(ServiceUnderTest service, boolean shipped) throws Exception;

	}

	/**
	 * {@code pairs} starts each way, alternately, without and then with the start-up measures (so
	 * that a noisy neighbour hits both alike), each measured by {@code after} and then stopped.
	 */
	private void alternately(ImageRun image, List<String> serviceJvm, Map<String, String> settings, int pairs,
			AfterStart after) throws Exception {
		for (int i = 0; i < pairs; i++) {
			for (boolean shipped : new boolean[] { false, true }) {
				String name = "service-start-" + (shipped ? "shipped" : "plain") + "-" + (i + 1);
				List<String> command = shipped ? image.shipped(serviceJvm) : image.withoutStartupMeasures(serviceJvm);
				try (ServiceUnderTest service = ServiceUnderTest.start(name, command, image.directory(),
						image.environment(), settings, this.out)) {
					after.accept(service, shipped);
					service.stop();
				}
			}
		}
	}

	/** The settings of the dry-run service against {@code okta}. */
	private static Map<String, String> startupSettings(String bootstrap, FakeOktaOrg okta) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("spring.kafka.bootstrap-servers", bootstrap);
		settings.put("okta.client.org-url", okta.url());
		settings.put("okta.client.token", okta.token());
		settings.put("okta.testing.disable-https-check", "true");
		settings.put("healer.hook.secrets", SECRET);
		settings.put("healer.remediation.mode", "dry-run");
		return settings;
	}

	/**
	 * {@code --only-startup}: the ready time alone, without and with the start-up measures,
	 * alternately, {@code --startups} pairs (default 5) and their medians; no load, no ceiling. For
	 * working on the start-up: a few minutes instead of the whole benchmark.
	 */
	private void onlyStartups(ImageRun image, List<String> serviceJvm, Map<String, String> settings)
			throws Exception {
		int pairs = intOption("startups", 5);
		// not counted: the first start creates the topics
		try (ServiceUnderTest service = ServiceUnderTest.start("service-start-first", image.shipped(serviceJvm),
				image.directory(), image.environment(), settings, this.out)) {
			this.log.printf("  first start (creates the topics, not counted): ready in %.2f s%n",
					service.startup().toNanos() / 1e9);
			service.stop();
		}
		List<Double> without = new ArrayList<>();
		List<Double> with = new ArrayList<>();
		List<Double> rssWith = new ArrayList<>();
		alternately(image, serviceJvm, settings, pairs, (service, shipped) -> {
			double seconds = service.startup().toNanos() / 1e9;
			(shipped ? with : without).add(seconds);
			double rss = service.peakRssKib() / 1024.0;
			if (shipped) {
				rssWith.add(rss);
			}
			this.log.printf("  %s: ready in %.2f s, peak RSS at ready %.0f MiB (load average %s)%n",
					shipped ? "with the start-up measures   " : "without the start-up measures", seconds, rss,
					loadAverage());
		});
		double medianWith = median(with);
		double medianWithout = median(without);
		this.log.printf(Locale.ROOT, "ready without: %s, median %.2f s%nready with:    %s, median %.2f s%n"
				+ "ready, with / without (median): %.2fx (target <= 0.5x)%n", seconds(without), medianWithout,
				seconds(with), medianWith, medianWith / medianWithout);
		// each pair's own ratio too: a neighbour's load that comes and goes hits both starts of a pair
		List<Double> pairRatios = new ArrayList<>();
		for (int i = 0; i < with.size(); i++) {
			pairRatios.add(with.get(i) / without.get(i));
		}
		this.log.printf(Locale.ROOT, "ratio of each pair: %s, median %.2fx%n", seconds(pairRatios), median(pairRatios));
		this.log.printf(Locale.ROOT, "peak RSS at ready with the start-up measures: median %.0f MiB%n", median(rssWith));
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int n = sorted.length;
		return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	private static String seconds(List<Double> values) {
		return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList().toString();
	}

	/** One start: ready time, then seconds after ready until every later second's p99 is <= 50 ms. */
	record Start(boolean shipped, Duration ready, int steadyAfter, Duration observed, double p99Millis, long peakRssKib) {

		double readySeconds() {
			return this.ready.toNanos() / 1e9;
		}

		double peakRssMib() {
			return this.peakRssKib / 1024.0;
		}

		/** Process start to steady p99; NaN when not steady within the loop. */
		double steadySeconds() {
			return this.steadyAfter < 0 ? Double.NaN : readySeconds() + this.steadyAfter;
		}

		String steadyText() {
			return this.steadyAfter < 0
					? String.format(Locale.ROOT, "p99 not steady <= 50 ms within %d s after ready", this.observed.toSeconds())
					: String.format(Locale.ROOT, "p99 steady <= 50 ms %d s after ready = %.1f s after start",
							this.steadyAfter, steadySeconds());
		}

	}

	/** Dumps the service's recording and prints its hot spots between {@code from} and {@code to}. */
	private void profile(ServiceUnderTest service, String file, Instant from, Instant to, Report report)
			throws Exception {
		Path recording = this.out.resolve(file);
		jcmd(service.pid(), "JFR.dump", "name=bench", "filename=" + recording);
		awaitFile(recording, Duration.ofSeconds(30));
		ByteArrayOutputStream text = new ByteArrayOutputStream();
		try (PrintStream print = new PrintStream(text, true, StandardCharsets.UTF_8)) {
			JfrHotSpots.print(recording, print, 20, from, to);
		}
		report.details.writeBytes(text.toByteArray());
		this.log.print(text.toString(StandardCharsets.UTF_8));
	}

	private long awaitLag(String bootstrap, String group, String topic, Duration atMost) {
		long deadline = System.nanoTime() + atMost.toNanos();
		long lag;
		do {
			lag = TopicAudit.lag(bootstrap, group, topic);
			if (lag == 0) {
				return 0;
			}
			ServiceUnderTest.sleep(1000);
		}
		while (System.nanoTime() < deadline);
		return lag;
	}

	private static void awaitFile(Path file, Duration atMost) {
		long deadline = System.nanoTime() + atMost.toNanos();
		long size = -1;
		while (System.nanoTime() < deadline) {
			try {
				long now = Files.exists(file) ? Files.size(file) : -1;
				if (now > 0 && now == size) {
					return;
				}
				size = now;
			}
			catch (IOException ex) {
				// not there yet
			}
			ServiceUnderTest.sleep(500);
		}
	}

	private void jcmd(long pid, String... command) throws IOException, InterruptedException {
		List<String> args = new ArrayList<>();
		args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
		args.add(String.valueOf(pid));
		args.addAll(List.of(command));
		Process process = new ProcessBuilder(args).redirectErrorStream(true)
			.redirectOutput(this.out.resolve("jcmd.log").toFile())
			.start();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
	}

	/** The pid of a child JVM of ours running {@code mainClass}; -1 if none. */
	private static long childPid(String mainClass) {
		return ProcessHandle.current()
			.children()
			.filter(p -> commandLine(p.pid()).contains("\0" + mainClass + "\0"))
			.mapToLong(ProcessHandle::pid)
			.findFirst()
			.orElse(-1);
	}

	private static String commandLine(long pid) {
		try {
			return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static String findJar() throws IOException {
		try (var files = Files.list(Path.of("target"))) {
			return files.map(Path::toString)
				.filter(f -> f.endsWith(".jar") && !f.endsWith("-plain.jar") && !f.endsWith("-sources.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("no jar in target/: run ./mvnw -Pbench verify"));
		}
	}

	private void dropBrokerData(Path brokers, List<Path> before) throws IOException {
		if (!this.options.containsKey("keep-data")) {
			// several GB of records per run: keep the broker's log, drop its data
			for (Path dir : brokerDirs(brokers)) {
				if (!before.contains(dir)) {
					deleteRecursively(dir.resolve("data"));
				}
			}
		}
	}

	private static List<Path> brokerDirs(Path brokers) throws IOException {
		if (!Files.isDirectory(brokers)) {
			return List.of();
		}
		try (var dirs = Files.list(brokers)) {
			return dirs.filter(d -> d.getFileName().toString().startsWith("bench-")).toList();
		}
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (var paths = Files.walk(dir)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
		}
		catch (IOException ex) {
			return "?";
		}
	}

	/**
	 * CPU cores used by the service, the broker and this JVM (the load generator) over a phase,
	 * and the service's by thread.
	 */
	record Cpu(long servicePid, long brokerPid, double service0, double broker0, double self0, double[] serviceUserSystem0,
			Map<String, Double> threads0, long started) {

		static Cpu start(long servicePid, long brokerPid) {
			return new Cpu(servicePid, brokerPid, ProcStats.cpuSeconds(servicePid), ProcStats.cpuSeconds(brokerPid),
					selfCpu(), ProcStats.userSystemSeconds(servicePid), ProcStats.threadCpu(servicePid),
					System.nanoTime());
		}

		CpuUse stop() {
			double seconds = (System.nanoTime() - this.started) / 1e9;
			return new CpuUse((ProcStats.cpuSeconds(this.servicePid) - this.service0) / seconds,
					(ProcStats.cpuSeconds(this.brokerPid) - this.broker0) / seconds, (selfCpu() - this.self0) / seconds);
		}

		/** The service's CPU by thread group over the phase (call right after {@link #stop()}). */
		String serviceThreads() {
			double seconds = (System.nanoTime() - this.started) / 1e9;
			double[] userSystem = ProcStats.userSystemSeconds(this.servicePid);
			Map<String, Double> now = ProcStats.threadCpu(this.servicePid);
			StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "user %.2f + system %.2f cores;",
					(userSystem[0] - this.serviceUserSystem0[0]) / seconds,
					(userSystem[1] - this.serviceUserSystem0[1]) / seconds));
			now.entrySet()
				.stream()
				.map(e -> Map.entry(e.getKey(), (e.getValue() - this.threads0.getOrDefault(e.getKey(), 0.0)) / seconds))
				.filter(e -> e.getValue() >= 0.01)
				.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
				.limit(10)
				.forEach(e -> text.append(String.format(Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue())));
			return text.substring(0, text.length() - 1);
		}

		private static double selfCpu() {
			return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
		}

	}

	/** Cores used over a phase. */
	record CpuUse(double service, double broker, double loadGenerator) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "service %.2f, broker %.2f, load generator %.2f", this.service, this.broker,
					this.loadGenerator);
		}

	}

	/** Everything measured, and the summary table. */
	static final class Report {

		KafkaCeiling.Result ceiling;

		double ceilingBrokerCores;

		Duration startupIngest;

		Duration startupHeal;

		final List<HookLoad.Phase> closed = new ArrayList<>();

		final Map<Integer, CpuUse> cpu = new LinkedHashMap<>();

		HookLoad.Phase open;

		CpuUse openCpu;

		PublishHistogram openServerSide;

		TopicAudit.Result audit;

		long detectionLag;

		Duration training;

		long memoryLimitMib;

		double halfSaturation;

		long lagAfterBurst = -1;

		double burstSeconds;

		double drainRatio = -1;

		double drainSeconds;

		double detectionCpuMicrosPerEvent = -1;

		double detectionPerSecond;

		final List<Start> starts = new ArrayList<>();

		double startRate;

		long ingestPeakRssKib = -1;

		long ingestRssKib = -1;

		long healPeakRssKib = -1;

		HealRun.Result heal;

		final ByteArrayOutputStream details = new ByteArrayOutputStream();

		String table(List<String> notes) {
			StringBuilder t = new StringBuilder();
			String line = "-".repeat(130) + "\n";
			t.append(line);
			t.append(String.format(Locale.ROOT, "%-44s %-64s %s%n", "okta-factor-healer benchmark", "measured",
					"target"));
			t.append(line);
			double ceilingRate = this.ceiling.recordsPerSecond();
			String ceiling = ceiling();
			row(t, "Kafka ceiling (ProducerPerformance)", String.format(Locale.ROOT,
					"%,.0f records/s, acks=all, 1000 B, 6 partitions", ceilingRate), "baseline");
			for (HookLoad.Phase phase : this.closed) {
				row(t, "ingest @" + phase.connections() + " connections", String.format(Locale.ROOT,
						"%,.0f deliveries/s = %,.0f events/s = %.2fx %s", phase.deliveriesPerSecond(),
						phase.eventsPerSecond(), phase.eventsPerSecond() / ceilingRate, ceiling),
						phase.connections() == 64 ? ">= 1.0x" : "");
				row(t, "  closed-loop latency, failures", String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms; %d failed%s",
						phase.millis(50), phase.millis(99), phase.failed(),
						phase.failures().isEmpty() ? "" : " " + phase.failures()), "");
			}
			if (this.open != null) {
				row(t, String.format(Locale.ROOT, "ack latency @ %.0f deliveries/s (open loop)",
						this.open.offeredPerSecond()), String.format(Locale.ROOT,
								"p50 %.2f / p99 %.2f / p99.9 %.2f ms (max %.1f)", this.open.millis(50),
								this.open.millis(99), this.open.millis(99.9), this.open.latency().getMaxValue() / 1e6),
						"p99 <= 50 ms");
				row(t, "  open loop answered", String.format(Locale.ROOT, "%,d ok, %d failed %s", this.open.ok(),
						this.open.failed(), this.open.failures().isEmpty() ? "" : this.open.failures()), "");
				if (this.openServerSide != null && this.openServerSide.count() > 0) {
					row(t, "  same, inside the service (publish_seconds)", String.format(Locale.ROOT,
							"p50 <= %.1f / p99 <= %.1f / p99.9 <= %.1f ms", this.openServerSide.millis(50),
							this.openServerSide.millis(99), this.openServerSide.millis(99.9)), "");
				}
			}
			if (this.audit != null) {
				row(t, "Kafka holds exactly what was acknowledged", String.format(Locale.ROOT,
						"%s: acked %,d, on topic %,d, missing %d, extra %d, dup %d", this.audit.exact() ? "yes" : "NO",
						this.audit.acknowledgedEvents(), this.audit.eventsOnTopic(), this.audit.missing(),
						this.audit.extra(), this.audit.duplicates()), "exact");
			}
			if (this.lagAfterBurst >= 0) {
				row(t, "detection lag drain after the burst", String.format(Locale.ROOT,
						"lag 0 %s = %s the %.0f s burst; %s", this.drainRatio < 0 ? "not reached" : "after",
						this.drainRatio < 0 ? "?" : String.format(Locale.ROOT, "%.2fx", this.drainRatio), this.burstSeconds,
						ceiling), "<= 1.2x");
				row(t, "  detection (dry-run) after the burst", String.format(Locale.ROOT,
						"lag %,d at the end; %,.0f events/s for %.1f s; %s", this.lagAfterBurst,
						this.detectionPerSecond, this.drainSeconds, this.detectionCpuMicrosPerEvent < 0 ? "CPU ?"
								: String.format(Locale.ROOT, "service CPU %.1f us/event", this.detectionCpuMicrosPerEvent)),
						"");
			}
			if (this.heal != null) {
				HealRun.Result h = this.heal;
				row(t, "heal: Okta calls, max in any 60 s window", String.format(Locale.ROOT,
						"%d of budget %d = %.0f%% (fake org limit %d)", h.maxIn60s(), h.budget(),
						100 * h.maxWindowShare(), h.oktaLimit()), ">= 95%");
				row(t, "heal: call rate while a backlog waits", String.format(Locale.ROOT,
						"%.1f/min = %.0f%% of budget (over %.0f s, %d users)", h.backlogCallsPerMinute(),
						100 * h.backlogShare(), h.backlogSeconds(), h.backlogUsers()), ">= 95%");
				row(t, "heal: 429 answers", String.valueOf(h.throttled()), "0");
				row(t, "heal: detection to DELETE, under budget", String.format(Locale.ROOT,
						"p50 %d ms, p99 %d ms, max %d ms (%d users)", h.trickleLatency().getValueAtPercentile(50),
						h.trickleLatency().getValueAtPercentile(99), h.trickleLatency().getMaxValue(),
						h.trickleLatency().getTotalCount()), "p99 <= 1 s");
				row(t, "heal: detection to DELETE, in the backlog", String.format(Locale.ROOT,
						"p50 %.1f s, p99 %.1f s (queueing behind the budget)",
						h.backlogLatency().getValueAtPercentile(50) / 1000.0,
						h.backlogLatency().getValueAtPercentile(99) / 1000.0), "");
				row(t, "heal: outcomes", h.outcomes() + (h.missingResults() > 0 ? ", " + h.missingResults()
						+ " without result" : ""), "");
			}
			row(t, "service peak RSS (VmHWM), shipped options", mib(this.ingestPeakRssKib) + " ingest"
					+ (this.healPeakRssKib > 0 ? ", " + mib(this.healPeakRssKib) + " heal" : "")
					+ String.format(Locale.ROOT, "; container limit %d MiB", this.memoryLimitMib), "<= 384 MiB");
			row(t, "start-up to ready (readiness 200), shipped", seconds(this.startupIngest) + " (dry-run)"
					+ (this.startupHeal != null ? ", " + seconds(this.startupHeal) + " (live)" : "")
					+ (this.training != null ? "; AOT training run " + seconds(this.training) : ""), "");
			for (boolean shipped : new boolean[] { false, true }) {
				List<Start> starts = this.starts.stream().filter(s -> s.shipped() == shipped).toList();
				if (!starts.isEmpty()) {
					row(t, shipped ? "  with the start-up measures (AOT cache)" : "  without (fat jar, no AOT cache)",
							String.format(Locale.ROOT, "ready %s s; p99 <= 50 ms @%.0f/s from %s s; RSS %s MiB",
									range(starts, Start::readySeconds), this.startRate, range(starts, Start::steadySeconds),
									range(starts, Start::peakRssMib)), "");
				}
			}
			if (!this.starts.isEmpty()) {
				row(t, "  ready, with / without (median)", String.format(Locale.ROOT, "%.2fx; %s", readyRatio(), ceiling),
						"<= 0.5x");
			}
			for (HookLoad.Phase phase : this.closed) {
				CpuUse use = this.cpu.get(phase.connections());
				row(t, "CPU cores @" + phase.connections() + " connections", use + String.format(Locale.ROOT,
						"; service %.2f ms/delivery", use.service() / phase.deliveriesPerSecond() * 1000), "2 in all");
			}
			if (this.openCpu != null) {
				row(t, "CPU cores @ half saturation", this.openCpu + String.format(Locale.ROOT,
						"; service %.2f ms/delivery", this.openCpu.service() / this.open.deliveriesPerSecond() * 1000), "");
			}
			t.append(line);
			for (String note : notes) {
				t.append("note: ").append(note).append('\n');
			}
			t.append('\n').append(mustShow());
			return t.toString();
		}

		/**
		 * The must-shows of issue 15, one line each: figure, target, PASS/FAIL (FAIL when not
		 * measured in this run).
		 */
		String mustShow() {
			StringBuilder t = new StringBuilder();
			String line = "=".repeat(130) + "\n";
			t.append(line);
			t.append(String.format(Locale.ROOT, "%-52s %-56s %-12s %s%n", "issue 15 must-show (this run, " + ceiling() + ")",
					"figure", "target", "result"));
			t.append(line);
			double ceilingRate = this.ceiling.recordsPerSecond();
			HookLoad.Phase at64 = this.closed.stream().filter(p -> p.connections() == 64).findFirst().orElse(null);
			double ingest = at64 == null ? Double.NaN : at64.eventsPerSecond() / ceilingRate;
			must(t, "ingest at 64 connections / Kafka ceiling", at64 == null ? "not measured"
					: String.format(Locale.ROOT, "%,.0f events/s = %.2fx", at64.eventsPerSecond(), ingest), ">= 1.0x",
					ingest >= 1.0);
			double cpu = at64 == null ? Double.NaN
					: this.cpu.get(64).service() / at64.deliveriesPerSecond() * 1000;
			must(t, "service CPU per 10-event delivery at 64 connections", String.format(Locale.ROOT, "%.2f ms", cpu),
					"<= 0.4 ms", cpu <= 0.4);
			must(t, "detection lag 0 after a full-speed burst / its time", this.drainRatio < 0 ? "lag not 0 in time"
					: String.format(Locale.ROOT, "%.2fx (%.0f s burst)", this.drainRatio, this.burstSeconds), "<= 1.2x",
					this.drainRatio >= 0 && this.drainRatio <= 1.2);
			double p99 = this.open == null ? Double.NaN : this.open.millis(99);
			must(t, "p99 ack latency at half saturation (shipped)", String.format(Locale.ROOT, "%.1f ms at %.0f/s", p99,
					this.halfSaturation), "<= 50 ms", p99 <= 50);
			double rss = this.ingestPeakRssKib / 1024.0;
			must(t, "peak RSS under full ingest, shipped settings", this.ingestPeakRssKib < 0 ? "not measured"
					: String.format(Locale.ROOT, "%.0f MiB", rss), "<= 384 MiB", this.ingestPeakRssKib > 0 && rss <= 384);
			double ready = readyRatio();
			must(t, "ready with / without the start-up measures", this.starts.isEmpty() ? "not measured"
					: String.format(Locale.ROOT, "%.2fx (%.1f s / %.1f s)", ready, median(true), median(false)),
					"<= 0.5x", ready <= 0.5);
			t.append(String.format(Locale.ROOT, "%-52s %-56s %-12s %s%n", "replay / plain copy", "ReplayBenchmark",
					">= 1.0x", "(other run)"));
			// events of a delivery answered 503 may be on the topic too (Okta retries it): at least once
			boolean durable = this.audit != null && this.audit.complete() && this.audit.missing() == 0
					&& this.audit.duplicates() == 0;
			must(t, "durable before 200: Kafka holds what was acked", this.audit == null ? "not audited"
					: String.format(Locale.ROOT, "%,d acked: %d missing, %d duplicated (%d of 503s)",
							this.audit.acknowledgedEvents(), this.audit.missing(), this.audit.duplicates(),
							this.audit.extra()), "0 missing", durable);
			if (this.heal != null) {
				must(t, "heal: budget used in the busiest 60 s, 429s", String.format(Locale.ROOT, "%.0f%%, %d x 429",
						100 * this.heal.maxWindowShare(), this.heal.throttled()), ">= 95%, 0",
						this.heal.maxWindowShare() >= 0.95 && this.heal.throttled() == 0);
			}
			t.append(line);
			return t.toString();
		}

		private String ceiling() {
			return String.format(Locale.ROOT, "ceiling %,.0f records/s", this.ceiling.recordsPerSecond());
		}

		private static void must(StringBuilder t, String what, String figure, String target, boolean pass) {
			t.append(String.format(Locale.ROOT, "%-52s %-56s %-12s %s%n", what, figure, target, pass ? "PASS" : "FAIL"));
		}

		private double median(boolean shipped) {
			double[] ready = this.starts.stream()
				.filter(s -> s.shipped() == shipped)
				.mapToDouble(Start::readySeconds)
				.sorted()
				.toArray();
			if (ready.length == 0) {
				return Double.NaN;
			}
			return ready.length % 2 == 1 ? ready[ready.length / 2]
					: (ready[ready.length / 2 - 1] + ready[ready.length / 2]) / 2;
		}

		private double readyRatio() {
			return median(true) / median(false);
		}

		private static String range(List<Start> starts, java.util.function.ToDoubleFunction<Start> figure) {
			double[] values = starts.stream().mapToDouble(figure).toArray();
			if (Arrays.stream(values).anyMatch(Double::isNaN)) {
				return Arrays.stream(values)
					.mapToObj(v -> Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v))
					.collect(java.util.stream.Collectors.joining(", "));
			}
			double min = Arrays.stream(values).min().orElse(Double.NaN);
			double max = Arrays.stream(values).max().orElse(Double.NaN);
			return String.format(Locale.ROOT, "%.1f-%.1f", min, max);
		}

		private static void row(StringBuilder t, String what, String value, String target) {
			t.append(String.format(Locale.ROOT, "%-44s %-64s %s%n", what, value, target));
		}

		private static String mib(long kib) {
			return kib < 0 ? "?" : String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
		}

		private static String seconds(Duration duration) {
			return duration == null ? "?" : String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
		}

	}

}
