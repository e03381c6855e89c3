# Multi-stage build for okta-factor-healer.
#   docker build -t okta-factor-healer .
# Stage 1 builds the Spring Boot jar with the Maven wrapper and splits it into Spring Boot's layers
# (dependencies change rarely, the application often: a rebuild ships only the last layer);
# stage 2 runs it on a JRE as a non-root user. Settings come from the environment (see
# .env.example) and /app/config. Image tags are pinned: a rebuild gets the same JDK.

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, so that a source change does not download them again.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN chmod +x mvnw && ./mvnw -B -q dependency:go-offline || true
COPY src/ src/
RUN ./mvnw -B -DskipTests package \
 && cp "$(ls target/*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' -e '-plain\.jar$' | head -n 1)" /build/app.jar \
 && java -Djarmode=tools -jar /build/app.jar extract --layers --launcher --destination /build/extracted

FROM eclipse-temurin:17.0.16_8-jre-noble
RUN groupadd --system --gid 10001 healer \
 && useradd --system --uid 10001 --gid healer --home-dir /app --no-create-home --shell /usr/sbin/nologin healer
WORKDIR /app
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0"
# 8080: the hook (/hooks/okta) only, for the load balancer; 8081: actuator and /admin/*, for
# Prometheus and operators only.
EXPOSE 8080 8081
# eclipse-temurin's Ubuntu images ship curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS -o /dev/null http://localhost:8081/actuator/health/readiness || exit 1
# The base image's entrypoint adds CA certificates from /certificates when USE_SYSTEM_CA_CERTS is
# set (a TLS-inspecting proxy in front of Okta), then runs the launcher; arguments after the image
# name are commands of the jar (replay, stuck list, --help).
ENTRYPOINT ["/__cacert_entrypoint.sh","java","org.springframework.boot.loader.launch.JarLauncher"]
