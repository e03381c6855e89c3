#!/bin/sh
# The AOT training run of the image (the Dockerfile runs it at build time; HookBenchmark's ImageRun
# runs it the same way):
#   sh aot-training.sh <directory of Kafka broker jars> java [options] -jar app.jar
# Starts a single-node Kafka broker (KRaft, on loopback, data in a temporary directory) from the jars
# in the given directory on the same JVM, runs the service with the given command against it until
# its readiness answers 200, sends it hook deliveries (below), then stops the service with SIGTERM
# (the JVM writes the AOT cache as it exits) and the broker, and deletes the broker's data.
# Why a broker: a training run that stops once the context is refreshed never loads what the start
# does after it (Kafka's clients, the binder's topic provisioning and consumers, the state topics'
# readers, both web servers): without the cache those classes are loaded, linked and interpreted on
# the start's critical path. Started the whole way, the cache holds them and their profiles too.
# Nothing reaches outside the container: the Okta org of the training variables is unresolvable and
# remediation is dry-run (there are no events anyway).
# Ports (defaults for the image build; the benchmark passes free ones): AOT_TRAINING_KAFKA_PORT,
# AOT_TRAINING_CONTROLLER_PORT, and Spring's SERVER_PORT and MANAGEMENT_SERVER_PORT.
set -eu
broker_jars=$1
shift
java=$1
kafka_port=${AOT_TRAINING_KAFKA_PORT:-19092}
controller_port=${AOT_TRAINING_CONTROLLER_PORT:-19093}
readiness="http://127.0.0.1:${MANAGEMENT_SERVER_PORT:-8081}/actuator/health/readiness"
work=$(mktemp -d)
broker=
service=
cleanup() {
	[ -z "$service" ] || kill -9 "$service" 2>/dev/null || true
	[ -z "$broker" ] || { kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; }
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "aot-training: $1; the broker's log:" >&2
	tail -n 40 "$work/broker.log" >&2 || true
	exit 1
}

cat >"$work/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$work/data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
"$java" -Xmx256m -cp "$broker_jars/*" kafka.tools.StorageTool format -t aotTrainingCluster000A \
	-c "$work/server.properties" >"$work/format.log" 2>&1 || { cat "$work/format.log" >&2; fail "formatting failed"; }
"$java" -Xmx256m -cp "$broker_jars/*" kafka.Kafka "$work/server.properties" >"$work/broker.log" 2>&1 &
broker=$!

# the service's admin client waits for the broker to come up (up to its API timeout, 60 s)
SPRING_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kafka_port "$@" &
service=$!
waited=0
until curl -fsS -o /dev/null "$readiness" 2>/dev/null; do
	kill -0 "$service" 2>/dev/null || { service=; fail "the service ended before it was ready"; }
	kill -0 "$broker" 2>/dev/null || fail "the broker ended"
	waited=$((waited + 1))
	[ "$waited" -le 1200 ] || fail "the service was not ready within 240 s"
	sleep 0.2
done
# Hook traffic: deliveries of ten events (none matches a rule, so nothing is remediated), so that
# the method profiles in the cache (JEP 515) are those of the path every delivery and every event
# takes, not only of the start; the JIT of a start from the cache compiles that path from them.
hook="http://127.0.0.1:${SERVER_PORT:-8080}/hooks/okta"
secret=${HEALER_HOOK_SECRETS%%,*}
event='{"actor":{"id":"00uaottraining00001","type":"User","alternateId":"aot@example.com"},'\
'"client":{"userAgent":{"rawUserAgent":"Mozilla/5.0","os":"Linux","browser":"FIREFOX"},"ipAddress":"192.0.2.1"},'\
'"displayMessage":"User login to Okta","eventType":"user.session.start",'\
'"outcome":{"result":"SUCCESS","reason":null},"published":"2026-01-01T00:00:00.000Z","severity":"INFO",'\
'"debugContext":{"debugData":{"requestUri":"/idp/idx/identify"}},"uuid":"aot-training-%s","version":"0","target":[]}'
events=
for n in 0 1 2 3 4 5 6 7 8 9; do
	events="$events${events:+,}$(printf "$event" "$n")"
done
printf '{"eventType":"com.okta.event_hook","eventId":"aot-training","data":{"events":[%s]}}' "$events" >"$work/delivery.json"
urls=
n=0
while [ "$n" -lt 500 ]; do
	urls="$urls $hook"
	n=$((n + 1))
done
round=0
while [ "$round" -lt 8 ]; do
	# one connection, 500 deliveries after one another
	# shellcheck disable=SC2086
	curl -fsS --fail-early -o /dev/null -H "Authorization: $secret" -H "Content-Type: application/json" \
		--data-binary "@$work/delivery.json" $urls >/dev/null || fail "a training delivery was refused"
	round=$((round + 1))
done
echo "aot-training: the service is ready and answered $((round * 500)) deliveries; stopping it (the JVM writes the AOT cache as it exits)"
kill -TERM "$service"
# 143: ended by SIGTERM, after a graceful shutdown
wait "$service" || [ $? -eq 143 ] || { service=; fail "the service did not end cleanly"; }
service=
