# Multi-stage build for okta-factor-healer.
#   docker build -t okta-factor-healer .
# Stage 1 builds the Spring Boot jar with the Maven wrapper; stage 2 runs it on a JRE as a
# non-root user. Settings come from the environment (see .env.example) and /app/config.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, so that a source change does not download them again.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN chmod +x mvnw && ./mvnw -B -q dependency:go-offline || true
COPY src/ src/
RUN ./mvnw -B -DskipTests package \
 && cp "$(ls target/*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' -e '-plain\.jar$' | head -n 1)" /build/app.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 healer \
 && useradd --system --uid 10001 --gid healer --home-dir /app --no-create-home --shell /usr/sbin/nologin healer
WORKDIR /app
COPY --from=build /build/app.jar /app/app.jar
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0"
EXPOSE 8080
# eclipse-temurin's Ubuntu images ship curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS -o /dev/null http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["java","-jar","/app/app.jar"]
