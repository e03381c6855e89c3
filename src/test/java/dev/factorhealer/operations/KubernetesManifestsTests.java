package dev.factorhealer.operations;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Checks the kustomize base in deploy/kubernetes without a cluster: every manifest is
 * parsed into fabric8's typed Kubernetes model (a misspelt field shows up as an unknown
 * property), and what the manifests say is compared with what the service really does:
 * its ports, the actuator probe paths that application.yml enables, the settings its
 * environment variables bind to, the Secrets the example and the README define, and one
 * set of labels across every selector. kubectl, where installed, also renders the base
 * and the OAuth component.
 */
class KubernetesManifestsTests {

	static final Path BASE = Path.of("deploy/kubernetes");

	static final Path OAUTH = BASE.resolve("oauth");

	static final String EXAMPLE_SECRETS = "secret.example.yaml";

	static final String NAME = "okta-factor-healer";

	/** Variables read by the JVM itself, not by Spring. */
	private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

	/** Settings that must never be a literal value in a manifest or the ConfigMap. */
	private static final Set<String> SECRET_SETTINGS = Set.of("OKTA_CLIENT_TOKEN", "OKTA_CLIENT_PRIVATEKEY",
			"HEALER_HOOK_SECRETS", "HEALER_ADMIN_TOKEN");

	private static final YAMLMapper YAML = YAMLMapper.shared();

	private static final Pattern CREATE_SECRET = Pattern
		.compile("kubectl create secret generic ([a-z0-9.-]+)((?:\\s+--from-(?:literal|file)=[A-Za-z0-9._-]+=\\S+)+)");

	private static final Pattern FROM = Pattern.compile("--from-(?:literal|file)=([A-Za-z0-9._-]+)=");

	private final Map<String, String> defaults = properties(Path.of("src/main/resources/application.yml"));

	private final Map<String, String> deploymentSettings = properties(Path.of("config/application.yml"));

	private final Deployment deployment = only(Deployment.class, "deployment.yaml");

	private final Container container = onlyContainer(this.deployment);

	@Test
	void kustomizationListsEveryManifestOfTheFolderButTheExampleSecrets() throws IOException {
		Map<String, Object> kustomization = DashboardTests.readYaml(BASE.resolve("kustomization.yaml"));
		assertThat(kustomization).containsEntry("kind", "Kustomization");
		assertThat(strings(kustomization.get("resources"))).as("resources of kustomization.yaml")
			.doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(manifests(BASE, Set.of("kustomization.yaml", EXAMPLE_SECRETS)));
		assertThat(BASE.resolve(EXAMPLE_SECRETS)).exists();

		Map<String, Object> component = DashboardTests.readYaml(OAUTH.resolve("kustomization.yaml"));
		assertThat(component).containsEntry("kind", "Component");
		List<String> patches = ((List<?>) component.get("patches")).stream()
			.map((patch) -> String.valueOf(((Map<?, ?>) patch).get("path")))
			.toList();
		assertThat(patches).as("patches of oauth/kustomization.yaml")
			.containsExactlyInAnyOrderElementsOf(manifests(OAUTH, Set.of("kustomization.yaml")));
	}

	@Test
	void everyManifestIsATypedKubernetesObjectWithoutUnknownFields() {
		Map<String, Class<?>> expected = Map.of("serviceaccount.yaml", ServiceAccount.class, "configmap.yaml",
				ConfigMap.class, "deployment.yaml", Deployment.class, "service.yaml", Service.class,
				"service-management.yaml", Service.class, "poddisruptionbudget.yaml", PodDisruptionBudget.class,
				"networkpolicy.yaml", NetworkPolicy.class, "servicemonitor.yaml", GenericKubernetesResource.class);
		assertThat(expected.keySet())
			.containsExactlyInAnyOrderElementsOf(manifests(BASE, Set.of("kustomization.yaml", EXAMPLE_SECRETS)));
		expected.forEach((file, type) -> {
			List<HasMetadata> resources = read(BASE.resolve(file));
			assertThat(resources).as(file).hasSize(1);
			assertThat(resources.get(0)).as(file).isExactlyInstanceOf(type);
			assertThat(unknownFields(resources.get(0))).as("fields of %s that its model does not know", file).isEmpty();
		});
		assertThat(read(BASE.resolve(EXAMPLE_SECRETS))).hasSize(3).allSatisfy((secret) -> {
			assertThat(secret).isInstanceOf(Secret.class);
			assertThat(unknownFields(secret)).isEmpty();
		});
		assertThat(unknownFields(only(ConfigMap.class, "oauth/configmap-patch.yaml"))).isEmpty();
		// "$patch: delete" is kustomize's strategic merge directive, the only field
		// Kubernetes does not know
		assertThat(unknownFields(only(Deployment.class, "oauth/deployment-patch.yaml")))
			.allSatisfy((field) -> assertThat(field).endsWith(".$patch"))
			.hasSize(1);

		GenericKubernetesResource monitor = only(GenericKubernetesResource.class, "servicemonitor.yaml");
		assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
		assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
	}

	@Test
	void threeReplicasRollOneAtATimeSpreadOverNodesAndOutliveARemediationRequest() {
		assertThat(this.deployment.getSpec().getReplicas()).isEqualTo(3);
		assertThat(this.deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
			.isEqualTo(new IntOrString(0));

		PodSpec pod = this.deployment.getSpec().getTemplate().getSpec();
		Map<String, String> podLabels = this.deployment.getSpec().getTemplate().getMetadata().getLabels();
		assertThat(pod.getTopologySpreadConstraints()).as("topology spread constraints").anySatisfy((constraint) -> {
			assertThat(constraint.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
			assertThat(constraint.getMaxSkew()).isEqualTo(1);
			assertThat(podLabels).containsAllEntriesOf(constraint.getLabelSelector().getMatchLabels());
		});

		Duration requestTimeout = setting("healer.remediation.request-timeout").map(DurationStyle::detectAndParse)
			.orElseGet(() -> defaultDuration("dev.factorhealer.remediation.RemediationProperties", "requestTimeout"));
		assertThat(requestTimeout).isEqualTo(Duration.ofMinutes(3));
		assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds()))
			.as("terminationGracePeriodSeconds against healer.remediation.request-timeout")
			.isGreaterThan(requestTimeout);
	}

	@Test
	void theHookServiceTargetsServerPortAndTheManagementServiceTheManagementPort() {
		int serverPort = Integer.parseInt(this.defaults.get("server.port"));
		int managementPort = Integer.parseInt(this.defaults.get("management.server.port"));
		assertThat(managementPort).isNotEqualTo(serverPort);
		assertThat(this.container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
			.containsExactlyInAnyOrder(tuple("http", serverPort), tuple("management", managementPort));
		assertThat(configMap()).containsEntry("MANAGEMENT_SERVER_PORT", String.valueOf(managementPort));

		Service hook = only(Service.class, "service.yaml");
		assertThat(hook.getSpec().getPorts()).as("ports of the hook Service").hasSize(1);
		assertThat(containerPort(hook.getSpec().getPorts().get(0).getTargetPort())).isEqualTo(serverPort);

		Service management = only(Service.class, "service-management.yaml");
		assertThat(management.getSpec().getPorts()).hasSize(1);
		ServicePort port = management.getSpec().getPorts().get(0);
		assertThat(containerPort(port.getTargetPort())).isEqualTo(managementPort);

		GenericKubernetesResource monitor = only(GenericKubernetesResource.class, "servicemonitor.yaml");
		List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
		assertThat(endpoints).hasSize(1);
		assertThat(endpoints.get(0)).containsEntry("port", port.getName())
			.containsEntry("path", "/actuator/prometheus");
		assertThat(exposedEndpoints()).contains("prometheus", "health");
	}

	@Test
	void probesAskTheActuatorProbesThatApplicationYmlEnablesOnTheManagementPort() {
		assertThat(this.defaults).containsEntry("management.endpoint.health.probes.enabled", "true");
		int managementPort = Integer.parseInt(this.defaults.get("management.server.port"));
		Map<String, Probe> probes = new LinkedHashMap<>();
		probes.put("startup", this.container.getStartupProbe());
		probes.put("liveness", this.container.getLivenessProbe());
		probes.put("readiness", this.container.getReadinessProbe());
		probes.forEach((kind, probe) -> {
			assertThat(probe).as("%s probe", kind).isNotNull();
			HTTPGetAction get = probe.getHttpGet();
			assertThat(get).as("%s probe is an HTTP GET", kind).isNotNull();
			assertThat(containerPort(get.getPort())).as("port of the %s probe", kind).isEqualTo(managementPort);
		});
		assertThat(probes.get("liveness").getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
		assertThat(probes.get("readiness").getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
		assertThat(this.defaults.get("management.endpoint.health.group.readiness.include"))
			.as("the readiness group waits for the Kafka binders")
			.contains("binders");
		Probe startup = probes.get("startup");
		assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).as("seconds a start may take")
			.isGreaterThanOrEqualTo(120);
	}

	@Test
	void resourcesJvmMemoryAndARestrictedSecurityContext() {
		Map<String, Quantity> requests = this.container.getResources().getRequests();
		Map<String, Quantity> limits = this.container.getResources().getLimits();
		assertThat(requests).containsKeys("cpu", "memory");
		assertThat(limits).containsKeys("cpu", "memory");
		assertThat(Quantity.getAmountInBytes(limits.get("memory")))
			.isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
		assertThat(Quantity.getAmountInBytes(limits.get("cpu")))
			.isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("cpu")));

		assertThat(env(this.container)).as("the JVM options come from the image (deploy/jvm.options)")
			.doesNotContainKeys("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
		assertThat(this.container.getCommand()).as("the image's ENTRYPOINT runs with deploy/jvm.options").isEmpty();
		assertThat(this.container.getArgs()).isEmpty();
		assertThat(Quantity.getAmountInBytes(limits.get("memory")).longValue())
			.as("the memory limit that the benchmark gives the JVM (-XX:MaxRAM)")
			.isEqualTo(DockerfileTests.memoryLimitBytes());

		PodSpec pod = this.deployment.getSpec().getTemplate().getSpec();
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod.getSecurityContext().getRunAsUser()).as("the Dockerfile's USER").isEqualTo(dockerfileUser());
		assertThat(this.container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		assertThat(this.container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
		assertThat(this.container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
		VolumeMount tmp = this.container.getVolumeMounts()
			.stream()
			.filter((mount) -> mount.getMountPath().equals("/tmp"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume mounted at /tmp"));
		assertThat(pod.getVolumes()).anySatisfy((volume) -> {
			assertThat(volume.getName()).isEqualTo(tmp.getName());
			assertThat(volume.getEmptyDir()).isNotNull();
		});
		assertThat(pod.getAutomountServiceAccountToken()).isFalse();
		assertThat(only(ServiceAccount.class, "serviceaccount.yaml").getMetadata().getName())
			.isEqualTo(pod.getServiceAccountName());
	}

	@Test
	void everyEnvironmentVariableIsASettingOfTheService() throws IOException {
		Set<String> known = knownVariables();
		Set<String> variables = new TreeSet<>();
		variables.addAll(configMap().keySet());
		variables.addAll(env(this.container).keySet());
		variables.addAll(only(ConfigMap.class, "oauth/configmap-patch.yaml").getData().keySet());
		variables.addAll(env(onlyContainer(only(Deployment.class, "oauth/deployment-patch.yaml"))).keySet());
		variables.removeAll(JVM_VARIABLES);
		assertThat(variables).as("environment variables of the manifests")
			.isNotEmpty()
			.allSatisfy((variable) -> assertThat(known)
				.as("%s binds to a key of application.yml or is named in config/application.yml or README.md", variable)
				.contains(variable));
		assertThat(configMap()).containsKeys("OKTA_CLIENT_ORGURL", "SPRING_KAFKA_BOOTSTRAP_SERVERS")
			.containsEntry("HEALER_REMEDIATION_MODE", "dry-run");
		assertThat(this.container.getEnvFrom()).singleElement()
			.satisfies((source) -> assertThat(source.getConfigMapRef().getName())
				.isEqualTo(only(ConfigMap.class, "configmap.yaml").getMetadata().getName()));
	}

	@Test
	void credentialsComeOnlyFromSecretsThatTheExampleAndTheReadmeDefine() throws IOException {
		Map<String, Set<String>> example = new LinkedHashMap<>();
		for (HasMetadata resource : read(BASE.resolve(EXAMPLE_SECRETS))) {
			Secret secret = (Secret) resource;
			example.put(secret.getMetadata().getName(), secret.getStringData().keySet());
			assertThat(secret.getStringData().values()).as("placeholders of %s", secret.getMetadata().getName())
				.allSatisfy((value) -> assertThat(value).startsWith("replace-with-"));
		}
		Map<String, Set<String>> exampleCommands = createSecretCommands(
				Files.readString(BASE.resolve(EXAMPLE_SECRETS)));
		Map<String, Set<String>> readmeCommands = createSecretCommands(Files.readString(Path.of("README.md")));
		assertThat(exampleCommands).as("kubectl create secret in secret.example.yaml").isEqualTo(example);
		assertThat(readmeCommands).as("kubectl create secret in README.md").isEqualTo(example);

		List<EnvVar> variables = new ArrayList<>(this.container.getEnv());
		variables.addAll(onlyContainer(only(Deployment.class, "oauth/deployment-patch.yaml")).getEnv());
		Set<String> referenced = new HashSet<>();
		for (EnvVar variable : variables) {
			if (variable.getAdditionalProperties().containsKey("$patch")) {
				continue;
			}
			if (SECRET_SETTINGS.contains(variable.getName())) {
				assertThat(variable.getValue()).as("literal value of %s", variable.getName()).isNull();
				assertThat(variable.getValueFrom().getSecretKeyRef()).as("secretKeyRef of %s", variable.getName())
					.isNotNull();
			}
			if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
				SecretKeySelector ref = variable.getValueFrom().getSecretKeyRef();
				assertThat(example).as("Secret of %s", variable.getName()).containsKey(ref.getName());
				assertThat(example.get(ref.getName())).as("keys of Secret %s", ref.getName()).contains(ref.getKey());
				referenced.add(ref.getName() + "/" + ref.getKey());
			}
		}
		Set<String> defined = example.entrySet()
			.stream()
			.flatMap((secret) -> secret.getValue().stream().map((key) -> secret.getKey() + "/" + key))
			.collect(Collectors.toSet());
		assertThat(referenced).as("Secret keys used by the Deployment and oauth/").isEqualTo(defined);
		assertThat(env(this.container)).containsKeys("OKTA_CLIENT_TOKEN", "HEALER_HOOK_SECRETS", "HEALER_ADMIN_TOKEN");

		Set<String> literal = new HashSet<>(configMap().keySet());
		literal.addAll(only(ConfigMap.class, "oauth/configmap-patch.yaml").getData().keySet());
		assertThat(literal).as("ConfigMap keys").doesNotContainAnyElementsOf(SECRET_SETTINGS);
		Map<String, Object> kustomization = DashboardTests.readYaml(BASE.resolve("kustomization.yaml"));
		assertThat(kustomization).doesNotContainKeys("secretGenerator");
	}

	@Test
	void oneSetOfLabelsAndEverySelectorFindsThePods() {
		Map<String, String> selector = this.deployment.getSpec().getSelector().getMatchLabels();
		Map<String, String> podLabels = this.deployment.getSpec().getTemplate().getMetadata().getLabels();
		assertThat(podLabels).containsAllEntriesOf(selector);
		assertThat(selector).containsEntry("app.kubernetes.io/name", NAME).containsKey("app.kubernetes.io/component");

		for (String file : manifests(BASE, Set.of("kustomization.yaml"))) {
			for (HasMetadata resource : read(BASE.resolve(file))) {
				assertThat(resource.getMetadata().getName()).as("name in %s", file).startsWith(NAME);
				assertThat(resource.getMetadata().getLabels()).as("labels in %s", file)
					.containsEntry("app.kubernetes.io/name", NAME)
					.containsEntry("app.kubernetes.io/part-of", NAME)
					.containsKey("app.kubernetes.io/component");
			}
		}
		assertThat(podLabels).containsEntry("app.kubernetes.io/part-of", NAME);

		Service hook = only(Service.class, "service.yaml");
		Service management = only(Service.class, "service-management.yaml");
		assertThat(podLabels).as("pods selected by the hook Service")
			.containsAllEntriesOf(hook.getSpec().getSelector());
		assertThat(podLabels).as("pods selected by the management Service")
			.containsAllEntriesOf(management.getSpec().getSelector());
		assertThat(only(PodDisruptionBudget.class, "poddisruptionbudget.yaml").getSpec().getSelector().getMatchLabels())
			.isEqualTo(selector);
		assertThat(only(NetworkPolicy.class, "networkpolicy.yaml").getSpec().getPodSelector().getMatchLabels())
			.isEqualTo(selector);

		Map<String, String> monitored = only(GenericKubernetesResource.class, "servicemonitor.yaml").get("spec",
				"selector", "matchLabels");
		assertThat(management.getMetadata().getLabels()).as("the ServiceMonitor selects the management Service")
			.containsAllEntriesOf(monitored);
		assertThat(hook.getMetadata().getLabels().entrySet().containsAll(monitored.entrySet()))
			.as("the ServiceMonitor selects the hook Service too")
			.isFalse();
	}

	@Test
	void aDisruptionLeavesTwoReplicas() {
		PodDisruptionBudget budget = only(PodDisruptionBudget.class, "poddisruptionbudget.yaml");
		int replicas = this.deployment.getSpec().getReplicas();
		int available = (budget.getSpec().getMinAvailable() != null) ? budget.getSpec().getMinAvailable().getIntVal()
				: replicas - budget.getSpec().getMaxUnavailable().getIntVal();
		assertThat(available).as("replicas left during a voluntary disruption").isEqualTo(2);
	}

	@Test
	void networkPolicyOpensTheHookToAllAndTheManagementPortToMonitoringOnly() {
		NetworkPolicy policy = only(NetworkPolicy.class, "networkpolicy.yaml");
		assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
		int serverPort = Integer.parseInt(this.defaults.get("server.port"));
		int managementPort = Integer.parseInt(this.defaults.get("management.server.port"));

		Map<Integer, List<NetworkPolicyIngressRule>> ingressByPort = new LinkedHashMap<>();
		for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
			assertThat(rule.getPorts()).as("an ingress rule without ports opens every port").isNotEmpty();
			for (NetworkPolicyPort port : rule.getPorts()) {
				ingressByPort.computeIfAbsent(containerPort(port.getPort()), (key) -> new ArrayList<>()).add(rule);
			}
		}
		assertThat(ingressByPort).containsOnlyKeys(serverPort, managementPort);
		assertThat(ingressByPort.get(serverPort)).singleElement()
			.satisfies((rule) -> assertThat(rule.getFrom()).as("sources of the hook port: anyone").isEmpty());
		assertThat(ingressByPort.get(managementPort)).singleElement().satisfies((rule) -> {
			assertThat(rule.getFrom()).singleElement().satisfies((peer) -> {
				assertThat(peer.getIpBlock()).isNull();
				assertThat(peer.getPodSelector()).isNull();
				assertThat(peer.getNamespaceSelector().getMatchLabels())
					.isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
			});
		});

		Map<Integer, Set<String>> egress = new LinkedHashMap<>();
		for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
			assertThat(rule.getTo()).as("every egress rule names its destinations").isNotEmpty();
			for (NetworkPolicyPort port : rule.getPorts()) {
				egress.computeIfAbsent(port.getPort().getIntVal(), (key) -> new TreeSet<>()).add(port.getProtocol());
			}
		}
		assertThat(egress).as("egress ports").containsEntry(53, Set.of("TCP", "UDP")).containsKey(443);
		for (String broker : configMap().get("SPRING_KAFKA_BOOTSTRAP_SERVERS").split(",")) {
			int port = Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1));
			assertThat(egress).as("egress to the Kafka broker %s", broker).containsKey(port);
		}
		NetworkPolicyPeer okta = policy.getSpec()
			.getEgress()
			.stream()
			.filter((rule) -> rule.getPorts().stream().anyMatch((port) -> port.getPort().getIntVal() == 443))
			.findFirst()
			.orElseThrow()
			.getTo()
			.get(0);
		assertThat(okta.getIpBlock().getCidr()).as("Okta's addresses change").isEqualTo("0.0.0.0/0");
	}

	@Test
	void kubectlRendersTheBaseAndTheOauthComponent(@TempDir Path overlay) throws IOException {
		Optional<Path> kubectl = MonitoringConfigTests.findOnPath("kubectl");
		Assumptions.assumeTrue(kubectl.isPresent(), "kubectl is not installed");
		MonitoringConfigTests.Result base = MonitoringConfigTests
			.run(List.of(kubectl.get().toString(), "kustomize", BASE.toString()), Duration.ofMinutes(1));
		assertThat(base.exitCode()).as("kubectl kustomize %s:%n%s", BASE, base.output()).isZero();
		assertThat(kinds(base.output())).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Deployment",
				"Service", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor");
		assertThat(base.output()).doesNotContain("kind: Secret");

		Path root = Path.of("").toAbsolutePath();
		String relative = overlay.toAbsolutePath().relativize(root).toString().replace('\\', '/');
		Files.writeString(overlay.resolve("kustomization.yaml"), """
				resources: [%1$s/deploy/kubernetes]
				components: [%1$s/deploy/kubernetes/oauth]
				""".formatted(relative));
		MonitoringConfigTests.Result oauth = MonitoringConfigTests
			.run(List.of(kubectl.get().toString(), "kustomize", overlay.toString()), Duration.ofMinutes(1));
		assertThat(oauth.exitCode()).as("kubectl kustomize with oauth/:%n%s", oauth.output()).isZero();
		assertThat(oauth.output()).contains("name: OKTA_CLIENT_PRIVATEKEY", "OKTA_CLIENT_AUTHORIZATIONMODE: PrivateKey")
			.doesNotContain("OKTA_CLIENT_TOKEN");
	}

	// --- what the service knows

	/**
	 * Environment variable names the service reads: every key of both application.yml
	 * files in relaxed-binding form, the names config/application.yml gives in brackets
	 * and the upper-case names README.md shows as code.
	 */
	private Set<String> knownVariables() throws IOException {
		Set<String> known = new HashSet<>();
		Stream.concat(this.defaults.keySet().stream(), this.deploymentSettings.keySet().stream())
			.map(KubernetesManifestsTests::environmentName)
			.forEach(known::add);
		Matcher bracketed = Pattern.compile("\\[([A-Z][A-Z0-9_]*(?:,\\s*[A-Z][A-Z0-9_]*)*)]")
			.matcher(Files.readString(Path.of("config/application.yml")));
		while (bracketed.find()) {
			Arrays.stream(bracketed.group(1).split(",")).map(String::strip).forEach(known::add);
		}
		Matcher code = Pattern.compile("`([A-Z][A-Z0-9]*_[A-Z0-9_]+)[`=]")
			.matcher(Files.readString(Path.of("README.md")));
		while (code.find()) {
			known.add(code.group(1));
		}
		return known;
	}

	/** Spring Boot's relaxed binding: okta.client.org-url is OKTA_CLIENT_ORGURL. */
	static String environmentName(String key) {
		return key.replaceAll("\\[\\d+]", "").replace("-", "").replace('.', '_').toUpperCase();
	}

	private Optional<String> setting(String key) {
		return Optional.ofNullable(this.deploymentSettings.get(key))
			.or(() -> Optional.ofNullable(this.defaults.get(key)));
	}

	private List<String> exposedEndpoints() {
		return Arrays.stream(this.defaults.get("management.endpoints.web.exposure.include").split(","))
			.map(String::strip)
			.toList();
	}

	/**
	 * The {@code @DefaultValue} of a record component of a configuration properties
	 * record.
	 */
	private static Duration defaultDuration(String type, String component) {
		try {
			Class<?> record = Class.forName(type);
			RecordComponent[] components = record.getRecordComponents();
			Class<?>[] parameterTypes = Arrays.stream(components)
				.map(RecordComponent::getType)
				.toArray(Class<?>[]::new);
			Annotation[][] annotations = record.getDeclaredConstructor(parameterTypes).getParameterAnnotations();
			for (int i = 0; i < components.length; i++) {
				if (components[i].getName().equals(component)) {
					for (Annotation annotation : annotations[i]) {
						if (annotation instanceof DefaultValue value) {
							return DurationStyle.detectAndParse(value.value()[0]);
						}
					}
				}
			}
			throw new AssertionError(type + "." + component + " has no @DefaultValue");
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int dockerfileUser() {
		try {
			List<String> users = Files.readAllLines(Path.of("Dockerfile"))
				.stream()
				.map(String::strip)
				.filter((line) -> line.startsWith("USER "))
				.toList();
			return Integer.parseInt(users.get(users.size() - 1).substring(5).split(":")[0]);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Flattened keys and values of a YAML file, as Spring Boot reads it. */
	static Map<String, String> properties(Path file) {
		try {
			Map<String, String> properties = new LinkedHashMap<>();
			for (PropertySource<?> source : new YamlPropertySourceLoader().load(file.toString(),
					new FileSystemResource(file))) {
				for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
					properties.putIfAbsent(name, String.valueOf(source.getProperty(name)));
				}
			}
			return properties;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + file, ex);
		}
	}

	// --- the manifests

	private Map<String, String> configMap() {
		return only(ConfigMap.class, "configmap.yaml").getData();
	}

	/**
	 * The container port a Service, probe or NetworkPolicy port names (by name or
	 * number).
	 */
	private int containerPort(IntOrString port) {
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		return this.container.getPorts()
			.stream()
			.filter((candidate) -> port.getStrVal().equals(candidate.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()))
			.getContainerPort();
	}

	private static Map<String, EnvVar> env(Container container) {
		Map<String, EnvVar> env = new LinkedHashMap<>();
		for (EnvVar variable : container.getEnv()) {
			assertThat(env.put(variable.getName(), variable)).as("%s set twice", variable.getName()).isNull();
		}
		return env;
	}

	private static Container onlyContainer(Deployment deployment) {
		List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
		assertThat(containers).hasSize(1);
		return containers.get(0);
	}

	private static Map<String, Set<String>> createSecretCommands(String text) {
		Map<String, Set<String>> secrets = new LinkedHashMap<>();
		Matcher command = CREATE_SECRET.matcher(text.replaceAll("\\\\\\n\\s*(#\\s*)?", " "));
		while (command.find()) {
			Matcher from = FROM.matcher(command.group(2));
			Set<String> keys = secrets.computeIfAbsent(command.group(1), (name) -> new LinkedHashSet<>());
			while (from.find()) {
				keys.add(from.group(1));
			}
		}
		return secrets;
	}

	private static List<String> strings(Object list) {
		return ((List<?>) list).stream().map(String::valueOf).toList();
	}

	private static List<String> kinds(String rendered) {
		return Pattern.compile("(?m)^kind: (\\S+)$").matcher(rendered).results().map((kind) -> kind.group(1)).toList();
	}

	private static List<String> manifests(Path folder, Set<String> except) {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter(Files::isRegularFile)
				.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".yaml") || name.endsWith(".yml"))
				.filter((name) -> !except.contains(name))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static <T> T only(Class<T> type, String file) {
		List<HasMetadata> resources = read(BASE.resolve(file));
		assertThat(resources).as(file).hasSize(1);
		assertThat(resources.get(0)).as(file).isInstanceOf(type);
		return type.cast(resources.get(0));
	}

	/** Every document of a file, each as the model class of its apiVersion and kind. */
	static List<HasMetadata> read(Path file) {
		try (MappingIterator<KubernetesResource> documents = YAML.readerFor(KubernetesResource.class)
			.readValues(file.toFile())) {
			List<HasMetadata> resources = new ArrayList<>();
			for (KubernetesResource document : documents.readAll()) {
				assertThat(document).as("a document of %s", file).isInstanceOf(HasMetadata.class);
				resources.add((HasMetadata) document);
			}
			return resources;
		}
		catch (JacksonException ex) {
			throw new AssertionError("Cannot parse " + file + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Paths of fields that the typed model kept as "additional properties": fields
	 * Kubernetes does not know at that place, such as a misspelt {@code readinesProbe},
	 * which the API server would drop or refuse.
	 */
	static List<String> unknownFields(Object model) {
		List<String> unknown = new ArrayList<>();
		collectUnknownFields(model, "", unknown);
		return unknown;
	}

	private static void collectUnknownFields(Object node, String path, List<String> unknown) {
		if (node instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				collectUnknownFields(list.get(i), path + "[" + i + "]", unknown);
			}
			return;
		}
		if (node instanceof Map<?, ?> map) {
			map.forEach((key, value) -> collectUnknownFields(value, path + "." + key, unknown));
			return;
		}
		if (node == null || !node.getClass().getName().startsWith("io.fabric8.")
				|| node instanceof GenericKubernetesResource || node instanceof Quantity
				|| node instanceof IntOrString) {
			return;
		}
		for (Method getter : node.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
					|| !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			Object value;
			try {
				value = getter.invoke(node);
			}
			catch (IllegalAccessException | InvocationTargetException ex) {
				continue;
			}
			if (getter.getName().equals("getAdditionalProperties")) {
				((Map<?, ?>) value).keySet().forEach((key) -> unknown.add(path + "." + key));
			}
			else if (getter.getDeclaringClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
				collectUnknownFields(value, path + "." + getter.getName().substring(3), unknown);
			}
		}
	}

}
