# Multi-stage build for okta-factor-healer.
#   docker build -t okta-factor-healer .
# Stage 1 builds the Spring Boot jar with the Maven wrapper and splits it into Spring Boot's layers
# (dependencies change rarely, the application often: a rebuild ships only the last layer);
# stage 2 runs it on a Java 25 JRE as a non-root user, with an AOT cache (JEP 483/514/515) made by a
# training run at build time (a whole start against a Kafka broker of its own), so that it is ready
# sooner (HookBenchmark measures the ready time with and without it, on the same files); the
# training run's bind mounts need BuildKit (the default builder). The source stays Java 17. JVM options: deploy/jvm.options,
# the only place they are set. Settings come from the environment (see .env.example) and
# /app/config. Image tags are pinned: a rebuild gets the same JDK, and the AOT cache is valid only
# for the JVM that made it.

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, so that a source change does not download them again.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN chmod +x mvnw && ./mvnw -B -q dependency:go-offline || true
COPY src/ src/
RUN ./mvnw -B -DskipTests package \
 && cp "$(ls target/*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' -e '-plain\.jar$' | head -n 1)" /build/app.jar \
 && java -Djarmode=tools -jar /build/app.jar extract --layers --destination /build/extracted
# The Kafka broker of the AOT training run (the tests' broker: the test classpath, without logback,
# so that the broker logs nothing); it is mounted into the training run only, never copied into the
# image.
RUN ./mvnw -B -q dependency:copy-dependencies -DincludeScope=test -DexcludeGroupIds=ch.qos.logback \
      -DoutputDirectory=/build/broker

FROM eclipse-temurin:25.0.3_9-jre-noble
RUN groupadd --system --gid 10001 healer \
 && useradd --system --uid 10001 --gid healer --home-dir /app --no-create-home --shell /usr/sbin/nologin healer
WORKDIR /app
# the extracted layout (app.jar and lib/): the AOT cache holds classes of jar files only
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
COPY deploy/jvm.options ./
# Training run (deploy/aot-training.sh): starts a Kafka broker of its own on loopback, runs the
# service against it until its readiness answers 200, as a start in production does (Kafka clients,
# topic provisioning, the binders, the state topics, both web servers), sends it 4,000 hook deliveries
# that match no rule, then stops both; the JVM writes the classes it loaded and linked and the
# method profiles of that traffic (JEP 515) to app.aot as it exits. The
# broker's jars and the script are mounted for this step only (BuildKit), so the image holds neither.
# The values below only let start-up validation pass (the Okta org does not resolve, nothing is
# remediated), and none of them reaches the image's environment.
RUN --mount=type=bind,from=build,source=/build/broker,target=/broker \
    --mount=type=bind,source=deploy/aot-training.sh,target=/aot-training.sh \
    OKTA_CLIENT_ORGURL=https://aot-training.invalid OKTA_CLIENT_TOKEN=aot-training-run-not-a-token \
    HEALER_HOOK_SECRETS=aot-training-run-Qm7xV2pL9sK4wR8tZ3nB HEALER_REMEDIATION_MODE=dry-run \
    HEALER_TOPICS_REPLICATIONFACTOR=1 HEALER_TOPICS_MININSYNCREPLICAS=1 \
    sh /aot-training.sh /broker java @jvm.options -XX:AOTCacheOutput=app.aot -jar app.jar \
 && test -s app.aot
USER 10001:10001
# Two malloc arenas instead of up to 16 on 2 cores: the JVM's ~140 threads otherwise spread native
# memory over many half-empty arenas (RSS). The benchmark gives the service this environment too.
ENV MALLOC_ARENA_MAX=2
# 8080: the hook (/hooks/okta) only, for the load balancer; 8081: actuator and /admin/*, for
# Prometheus and operators only.
EXPOSE 8080 8081
# eclipse-temurin's Ubuntu images ship curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS -o /dev/null http://localhost:8081/actuator/health/readiness || exit 1
# The base image's entrypoint adds CA certificates from /certificates when USE_SYSTEM_CA_CERTS is
# set (a TLS-inspecting proxy in front of Okta), then runs the application with the options of
# deploy/jvm.options and the AOT cache; arguments after the image name are commands of the jar
# (replay, stuck list, --help).
ENTRYPOINT ["/__cacert_entrypoint.sh","java","@jvm.options","-XX:AOTCache=app.aot","-jar","app.jar"]
