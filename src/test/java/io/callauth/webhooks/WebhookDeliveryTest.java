package io.callauth.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.AttemptIngester;
import io.callauth.attempts.AttemptLog;
import io.callauth.background.StreamEntry;
import io.callauth.background.StreamWorkers;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery end to end in one app, with real loopback receivers: the job that follows the attempt stream, the queues,
 * the sender (rounds driven by hand, the clock moved by hand: no sleeping through minutes).
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class WebhookDeliveryTest {

    @Inject
    MutableClock clock;
    @Inject
    WebhookStore store;
    @Inject
    WebhookEnqueuer job;
    @Inject
    WebhookSender sender;
    @Inject
    StreamWorkers seam;
    @Inject
    AttemptLog attempts;
    @Inject
    AttemptIngester ingester;
    @Inject
    DeliveryQueue queue;
    @Inject
    RedisDataSource redis;
    @Inject
    AlertEvents alerts;
    @Inject
    WebhooksConfig config;

    final ObjectMapper json = new ObjectMapper();
    final List<String> created = new ArrayList<>();
    Receiver receiver;
    CallPassEmulator callpass;

    @BeforeEach
    void setUp() {
        // this class drives the sender's rounds by hand: the replica's own loop would race it for the due tries
        sender.pause();
        await().atMost(Duration.ofSeconds(20)).until(sender::idle);
        clock.reset();
        receiver = Receiver.start();
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
    }

    @AfterEach
    void tearDown() {
        created.forEach(store::delete);
        sender.resume();
        receiver.close();
        clock.reset();
    }

    // ---------------------------------------------------------------- helpers

    record Registered(String id, String secret) {
    }

    Registered register(String key, String path, List<String> events, String format) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("url", receiver.url(path).toString(),
                "events", events));
        if (format != null) {
            body.put("format", format);
        }
        var r = Api.as(key).body(body).post("/v1/webhooks").then().statusCode(201).extract().response();
        created.add(r.path("id"));
        return new Registered(r.path("id"), r.path("secret"));
    }

    Registered register(String key, String path, List<String> events) {
        return register(key, path, events, null);
    }

    /** one round of the job (the stream into the queues) */
    void enqueue() {
        assertThat(seam.runner(job).round().failed()).isFalse();
    }

    /** one round of the sender, waiting for the requests it started */
    void send() {
        List<CompletableFuture<Void>> started = sender.round();
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
    }

    List<Delivery> deliveries(String key, String id) {
        return Api.as(key).get("/v1/webhooks/" + id + "/deliveries").then().statusCode(200).extract().jsonPath()
                .getList("items", Delivery.class);
    }

    JsonNode body(Receiver.Request r) {
        try {
            return json.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    List<Receiver.Request> about(String path, String verificationId) {
        return receiver.requests(path).stream()
                .filter(r -> verificationId.equals(body(r).path("data").path("verificationId").asText())).toList();
    }

    String approvedFlow(String phone) {
        String id = Api.startId(phone);
        String code = callpass.calls().stream().filter(c -> phone.substring(1).equals(c.dn()) || phone.equals(c.dn()))
                .reduce((a, b) -> b).orElseThrow().code(4);
        Api.check(id, code).statusCode(200);
        return id;
    }

    /** what the delivery's state is, for a failure's message */
    String diagnose(String endpointId) {
        StringBuilder sb = new StringBuilder("sender idle=" + sender.idle() + "; clock=" + clock.instant()
                + "; endpoints=" + store.all().size() + "; due=");
        sb.append(redis.execute("ZRANGE", DeliveryQueue.key(endpointId, "due"), "0", "-1", "WITHSCORES"));
        for (int shard = 0; shard < attempts.shards(); shard++) {
            try {
                sb.append("; shard ").append(shard).append(": ")
                        .append(redis.execute("XINFO", "GROUPS", io.callauth.attempts.AttemptLog.stream(shard)));
            } catch (RuntimeException e) {
                sb.append(e.getMessage());
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- tests

    @Test
    void aFlowsEventsArriveOnceSignedAndOnlyAtTheKeysThatMayReceiveThem() {
        Registered mine = register(Api.VERIFY_KEY, "/mine", List.of("*"));
        Registered other = register(WebhooksApiTest.OTHER_KEY, "/other", List.of("*"));
        Registered fraud = register(Api.FRAUD_KEY, "/fraud", List.of("verification.approved"));
        Instant flowStarted = clock.instant();
        String id = approvedFlow(Api.newPhone());

        // a minute: in a full run a first try has been seen to hang to its timeout (15 s with the slack) and come again
        // 5 s later (see the note of issue 21); the events must still arrive, once
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            enqueue();
            send();
            assertThat(about("/mine", id)).extracting(r -> body(r).path("type").asText())
                    .contains("verification.started", "verification.call_placed", "verification.approved");
        });
        // a second pass, and the same batch handed again, deliver nothing twice
        List<StreamEntry> again = attempts.newest("+", 200).await().indefinitely().stream()
                .filter(e -> id.equals(e.record().verificationId()))
                .map(e -> new StreamEntry(attempts.shardOf(e.record()), e)).toList();
        assertThat(job.handle(again).written()).isZero();
        enqueue();
        send();
        List<Receiver.Request> got = about("/mine", id);
        assertThat(got).extracting(Receiver.Request::webhookId).doesNotHaveDuplicates()
                .allMatch(w -> w.startsWith("evt_"));
        assertThat(got).hasSize(3);
        receiver.requests("/mine").forEach(r -> assertThat(r.signedBy(mine.secret())).as(r.webhookId()).isTrue());
        JsonNode approved = got.stream().map(this::body)
                .filter(b -> b.path("type").asText().equals("verification.approved")).findFirst().orElseThrow();
        assertThat(approved.path("data").path("status").asText()).isEqualTo("approved");
        assertThat(approved.path("data").path("provider").asText()).isEqualTo("callpass");
        assertThat(approved.has("id")).isFalse();
        assertThat(Instant.parse(approved.path("timestamp").asText())).isNotNull();
        // never a code or a caller id in any body
        String code = callpass.calls().stream().reduce((a, b) -> b).orElseThrow().code(4);
        assertThat(got).noneMatch(r -> r.body().contains("\"code\"") || r.body().contains("callerId"));
        assertThat(code).hasSize(4);
        // another verify key gets none of them; the fraud key's endpoint gets what it subscribes to
        assertThat(about("/other", id)).isEmpty();
        assertThat(about("/fraud", id)).extracting(r -> body(r).path("type").asText())
                .containsExactly("verification.approved");
        assertThat(about("/fraud", id).get(0).signedBy(fraud.secret())).isTrue();
        // one event, one id, whatever endpoint it goes to
        String approvedId = got.stream().filter(r -> body(r).path("type").asText().equals("verification.approved"))
                .findFirst().orElseThrow().webhookId();
        assertThat(about("/fraud", id).get(0).webhookId()).isEqualTo(approvedId);
        assertThat(deliveries(Api.VERIFY_KEY, mine.id())).filteredOn(d -> d.eventId().equals(approvedId))
                .singleElement().satisfies(d -> {
                    assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
                    assertThat(d.tries()).isEqualTo(1);
                    assertThat(d.lastStatusCode()).isEqualTo(200);
                });
        assertThat(other.id()).isNotEqualTo(mine.id());

        // replay from the archive: the same events again, with the same ids
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ingester.runOwn();
            return Api.as(Api.FRAUD_KEY).get("/v1/attempts?type=approved&verificationId=" + id).then().extract()
                    .jsonPath().getList("items").size() == 1;
        });
        // since just before this flow: the window holds its records and little else. Whatever else the archive holds
        // for the key in the window (the records of the test classes run before this one in the same app) is queued
        // too, and a round sends at most max-concurrency-per-endpoint tries of an endpoint at once: rounds until the
        // queue is drained, not one
        var answer = Api.verify().body(Map.of("since", flowStarted.minusSeconds(1).toString()))
                .post("/v1/webhooks/" + mine.id() + "/replay").then().statusCode(202).extract().jsonPath();
        assertThat(answer.getInt("events")).as("events queued by the replay").isGreaterThanOrEqualTo(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            send();
            return Api.verify().get("/v1/webhooks/" + mine.id() + "/deliveries?status=pending").then().statusCode(200)
                    .extract().jsonPath().getList("items").isEmpty();
        });
        List<Receiver.Request> replayed = about("/mine", id);
        assertThat(replayed).as("replayed (replay answer %s); archive: %s; clock %s", answer.prettify(),
                Api.as(Api.FRAUD_KEY).get("/v1/attempts?verificationId=" + id).then().extract().jsonPath()
                        .getList("items"), clock.instant()).hasSize(6);
        assertThat(replayed.subList(3, 6)).extracting(Receiver.Request::webhookId)
                .containsExactlyInAnyOrderElementsOf(got.stream().map(Receiver.Request::webhookId).toList());
    }

    @Test
    void anEndpointGetsOnlyWhatHappensAfterItIsRegistered() {
        String before = approvedFlow(Api.newPhone());
        clock.advance(Duration.ofSeconds(2));
        Registered late = register(Api.VERIFY_KEY, "/late", List.of("*"));
        String after = approvedFlow(Api.newPhone());
        // a minute: in a full run a first try has been seen to hang to its timeout (15 s with the slack) and come again
        // 5 s later (see the note of issue 21); the events must still arrive, once
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            enqueue();
            send();
            assertThat(about("/late", after)).as(() -> diagnose(late.id()))
                    .extracting(r -> body(r).path("type").asText())
                    .contains("verification.started", "verification.approved");
        });
        // the older flow's records handed to the job now, as they would be when the stream is read late
        List<StreamEntry> older = attempts.newest("+", 500).await().indefinitely().stream()
                .filter(e -> before.equals(e.record().verificationId()))
                .map(e -> new StreamEntry(attempts.shardOf(e.record()), e)).toList();
        assertThat(older).hasSizeGreaterThanOrEqualTo(3);
        job.handle(older);
        send();
        assertThat(about("/late", before)).as("events of records older than the endpoint").isEmpty();
        assertThat(late.id()).startsWith("wh_");
    }

    @Test
    void aFailedTryIsTriedAgainOnTheScheduleWithTheSameId() {
        receiver.on("/flaky", Receiver.status(500), Receiver.status(500), Receiver.ok());
        Registered ep = register(Api.VERIFY_KEY, "/flaky", List.of("verification.approved"));
        clock.freeze();
        String eventId = Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202)
                .extract().path("eventId");
        send();
        assertThat(receiver.requests("/flaky")).hasSize(1);
        Delivery first = deliveries(Api.VERIFY_KEY, ep.id()).get(0);
        assertThat(first.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(first.tries()).isEqualTo(1);
        assertThat(first.lastStatusCode()).isEqualTo(500);
        long wait = Duration.between(clock.instant(), first.nextTryAt()).toMillis();
        assertThat(wait).isBetween(4000L, 6000L);
        send();
        assertThat(receiver.requests("/flaky")).hasSize(1); // not due yet
        clock.advance(Duration.ofMillis(wait + 1));
        send();
        assertThat(receiver.requests("/flaky")).hasSize(2);
        Delivery second = deliveries(Api.VERIFY_KEY, ep.id()).get(0);
        long wait2 = Duration.between(clock.instant(), second.nextTryAt()).toMillis();
        assertThat(wait2).isBetween(4 * 60_000L, 6 * 60_000L);
        clock.advance(Duration.ofMillis(wait2 - 1000));
        send();
        assertThat(receiver.requests("/flaky")).hasSize(2);
        clock.advance(Duration.ofSeconds(2));
        send();
        assertThat(receiver.requests("/flaky")).hasSize(3).extracting(Receiver.Request::webhookId)
                .containsOnly(eventId);
        receiver.assertSigned(ep.secret());
        assertThat(deliveries(Api.VERIFY_KEY, ep.id())).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.tries()).isEqualTo(3);
            assertThat(d.nextTryAt()).isNull();
        });
        Api.verify().get("/v1/webhooks/" + ep.id() + "/deliveries?status=pending").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void retryAfterOfA429IsHonoured() {
        receiver.on("/busy", Receiver.retryAfter(429, 120), Receiver.ok());
        Registered ep = register(Api.VERIFY_KEY, "/busy", List.of("verification.approved"));
        clock.freeze();
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        Delivery d = deliveries(Api.VERIFY_KEY, ep.id()).get(0);
        assertThat(Duration.between(clock.instant(), d.nextTryAt())).isEqualTo(Duration.ofSeconds(120));
        clock.advance(Duration.ofSeconds(121));
        send();
        assertThat(receiver.requests("/busy")).hasSize(2);
    }

    @Test
    void a410DisablesTheEndpointAndTellsTheFraudEndpoints() {
        receiver.on("/gone", Receiver.status(410));
        Registered ep = register(Api.VERIFY_KEY, "/gone", List.of("verification.approved"));
        Registered fraud = register(Api.FRAUD_KEY, "/fraud", List.of("webhook.disabled"));
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            send();
            assertThat(receiver.requests("/fraud")).isNotEmpty();
        });
        Api.verify().get("/v1/webhooks/" + ep.id()).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(false))
                .body("disabledReason", org.hamcrest.Matchers.containsString("410"));
        JsonNode disabled = body(receiver.requests("/fraud").get(0));
        assertThat(disabled.path("type").asText()).isEqualTo("webhook.disabled");
        assertThat(disabled.path("data").path("webhookId").asText()).isEqualTo(ep.id());
        assertThat(receiver.requests("/fraud").get(0).signedBy(fraud.secret())).isTrue();
        // a disabled endpoint gets nothing more
        int before = receiver.requests("/gone").size();
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        assertThat(receiver.requests("/gone")).hasSize(before);
    }

    @Test
    void anEndpointFailingEveryTryForDaysIsDisabled() {
        receiver.on("/down", Receiver.status(503));
        Registered ep = register(Api.VERIFY_KEY, "/down", List.of("verification.approved"));
        clock.freeze();
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        clock.advance(Duration.ofDays(3).plusMinutes(1));
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        Api.verify().get("/v1/webhooks/" + ep.id()).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(false))
                .body("disabledReason", org.hamcrest.Matchers.containsString("every try failed"));
        // enabled again, it starts afresh
        Api.verify().body(Map.of("enabled", true)).patch("/v1/webhooks/" + ep.id()).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void aHangingEndpointDoesNotDelayAnother() {
        receiver.on("/hang", Receiver.hang(Duration.ofSeconds(30)));
        Registered slow = register(Api.VERIFY_KEY, "/hang", List.of("verification.approved"));
        Registered fast = register(Api.VERIFY_KEY, "/fast", List.of("verification.approved"));
        int slots = config.maxConcurrencyPerEndpoint();
        for (int i = 0; i < slots + 2; i++) {
            Api.verify().post("/v1/webhooks/" + slow.id() + "/test").then().statusCode(202);
        }
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> first = sender.round();
        Api.verify().post("/v1/webhooks/" + fast.id() + "/test").then().statusCode(202);
        List<CompletableFuture<Void>> second = sender.round();
        receiver.await("/fast", 1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        CompletableFuture.allOf(second.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.SECONDS).join();
        // the hanging endpoint holds its own slots only: all of them at once, the rest wait in its queue
        assertThat(first).hasSize(slots);
        assertThat(receiver.maxInFlight("/hang")).isLessThanOrEqualTo(slots);
        assertThat(deliveries(Api.VERIFY_KEY, fast.id())).singleElement()
                .satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
        receiver.close(); // releases the hanging requests
        CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Test
    void aBacklogDrainsAtTheEndpointsPaceInOneRoundAndNeverOverItsSlots() {
        // every request held 200 ms: the slots' tries overlap (the 16 a round starts are in flight together even on a
        // loaded machine; at 20 ms one had ended before the last began, under a concurrent build), and each delivered
        // one claims the next due try at once
        receiver.on("/backlog", new Receiver.Hang(Duration.ofMillis(200), Receiver.ok()));
        Registered ep = register(Api.VERIFY_KEY, "/backlog", List.of("verification.approved"));
        int slots = config.maxConcurrencyPerEndpoint();
        int backlog = slots * 5;
        for (int i = 0; i < backlog; i++) {
            Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        }
        // one round, no other: its tries refill their slots until the queue is empty
        List<CompletableFuture<Void>> first = sender.round();
        assertThat(first).hasSize(slots);
        receiver.await("/backlog", backlog);
        await().atMost(Duration.ofSeconds(20)).until(sender::idle);
        assertThat(receiver.requests("/backlog")).extracting(Receiver.Request::webhookId).doesNotHaveDuplicates()
                .hasSize(backlog);
        // the refills racing for the endpoint's slots never put one request more in flight
        assertThat(receiver.maxInFlight("/backlog")).isEqualTo(slots);
        assertThat(Api.verify().get("/v1/webhooks/" + ep.id() + "/deliveries?limit=1000").then().statusCode(200)
                .extract().jsonPath().getList("items", Delivery.class)).hasSize(backlog)
                .allSatisfy(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
    }

    @Test
    void aSenderThatDiesMidDeliveryLosesNothing() {
        Registered ep = register(Api.VERIFY_KEY, "/later", List.of("verification.approved"));
        clock.freeze();
        String eventId = Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202)
                .extract().path("eventId");
        // another replica claims the try and dies before it answers
        List<DeliveryQueue.Claimed> claimed = queue.claim(ep.id(), 10, clock.millis() + 30_000, "dead-replica");
        assertThat(claimed).extracting(DeliveryQueue.Claimed::eventId).containsExactly(eventId);
        send();
        assertThat(receiver.requests("/later")).isEmpty(); // its lease holds
        clock.advance(Duration.ofSeconds(31));
        send();
        assertThat(receiver.requests("/later")).singleElement()
                .satisfies(r -> assertThat(r.webhookId()).isEqualTo(eventId));
        // the dead replica's late answer changes nothing
        assertThat(queue.complete(ep.id(), "dead-replica", false, List.of(new DeliveryQueue.Completion(eventId,
                clock.millis(), claimed.get(0).delivery())))).isNull();
        assertThat(deliveries(Api.VERIFY_KEY, ep.id())).singleElement()
                .satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
        send();
        assertThat(receiver.requests("/later")).hasSize(1);
    }

    @Test
    void rotationSignsWithBothSecretsForADay() {
        Registered ep = register(Api.VERIFY_KEY, "/rotated", List.of("verification.approved"));
        String fresh = Api.verify().post("/v1/webhooks/" + ep.id() + "/rotate-secret").then().statusCode(200)
                .extract().path("secret");
        clock.freeze();
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        Receiver.Request r = receiver.await("/rotated", 1).get(0);
        assertThat(r.webhookSignature().split(" ")).hasSize(2);
        assertThat(r.signedBy(ep.secret())).isTrue();
        assertThat(r.signedBy(fresh)).isTrue();
        clock.advance(Duration.ofHours(25));
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        Receiver.Request later = receiver.await("/rotated", 2).get(1);
        assertThat(later.webhookSignature().split(" ")).hasSize(1);
        assertThat(later.signedBy(fresh)).isTrue();
        assertThat(later.signedBy(ep.secret())).isFalse();
    }

    @Test
    void aBatchEndpointGetsArraysUnderABatchId() {
        Registered ep = register(Api.FRAUD_KEY, "/siem", List.of("*"), "batch");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Api.as(Api.FRAUD_KEY).post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202)
                    .extract().path("eventId"));
        }
        send();
        Receiver.Request r = receiver.await("/siem", 1).get(0);
        assertThat(r.webhookId()).startsWith("batch_");
        assertThat(r.signedBy(ep.secret())).isTrue();
        JsonNode array = body(r);
        assertThat(array.isArray()).isTrue();
        List<String> got = new ArrayList<>();
        array.forEach(e -> {
            got.add(e.path("id").asText());
            assertThat(e.path("type").asText()).isEqualTo("webhook.test");
            assertThat(e.has("timestamp") && e.has("data")).isTrue();
        });
        assertThat(got).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aBatchBacklogGoesOutInArraysOfAtMostBatchMaxEachEventOnce() {
        Registered ep = register(Api.FRAUD_KEY, "/siem-backlog", List.of("*"), "batch");
        int max = config.batchMax();
        int backlog = 2 * max + 7;
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < backlog; i++) {
            events.add(new Event(Event.idOf("batch-backlog-" + ep.id() + "-" + i), EventType.WEBHOOK_TEST,
                    clock.instant(), Map.of("n", i), null));
        }
        assertThat(queue.enqueue(ep.id(), events, false)).isEqualTo(backlog);
        // one round: a claim takes at most CLAIM_MAX tries (a script holds Redis alone), the delivered batches refill
        List<CompletableFuture<Void>> first = sender.round();
        assertThat(first).hasSizeBetween(1, Math.max(1, WebhookSender.CLAIM_MAX / max));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/siem-backlog").stream()
                .mapToInt(r -> body(r).size()).sum() >= backlog);
        await().atMost(Duration.ofSeconds(20)).until(sender::idle);
        List<String> got = new ArrayList<>();
        for (Receiver.Request r : receiver.requests("/siem-backlog")) {
            assertThat(body(r).size()).isBetween(1, max);
            assertThat(r.signedBy(ep.secret())).isTrue();
            body(r).forEach(e -> got.add(e.path("id").asText()));
        }
        assertThat(got).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(events.stream().map(Event::id).toList());
    }

    @Test
    void aTargetThatResolvesPrivateAtSendIsRefused() {
        Registered ep = register(Api.VERIFY_KEY, "/x", List.of("verification.approved"));
        // as if its DNS answer had changed to a private address since it was registered
        Endpoint e = store.get(ep.id()).orElseThrow();
        store.put(e.withSettings("http://10.1.2.3/x", e.events(), e.description(), true, null));
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        assertThat(deliveries(Api.VERIFY_KEY, ep.id())).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(d.lastError()).contains("target refused");
            assertThat(d.lastStatusCode()).isNull();
        });
    }

    @Test
    void aRedirectIsAFailedTry() {
        receiver.on("/moved", Receiver.redirect("/elsewhere"));
        Registered ep = register(Api.VERIFY_KEY, "/moved", List.of("verification.approved"));
        Api.verify().post("/v1/webhooks/" + ep.id() + "/test").then().statusCode(202);
        send();
        assertThat(receiver.requests("/elsewhere")).isEmpty();
        assertThat(deliveries(Api.VERIFY_KEY, ep.id())).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(d.lastStatusCode()).isBetween(300, 399);
        });
    }

    @Test
    void ruleChangesReachTheFraudEndpoints() {
        register(Api.FRAUD_KEY, "/rules", List.of("rule.created", "rule.deleted"));
        String rule = Api.as(Api.FRAUD_KEY).body(Map.of("action", "block", "match", Map.of("prefix", "7916999"),
                "mode", "monitor", "reason", "webhook test")).post("/v1/rules").then().statusCode(201)
                .extract().path("id");
        Api.as(Api.FRAUD_KEY).delete("/v1/rules/" + rule).then().statusCode(204);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            send();
            assertThat(receiver.requests("/rules")).extracting(r -> body(r).path("type").asText())
                    .containsExactlyInAnyOrder("rule.created", "rule.deleted");
        });
        assertThat(receiver.requests("/rules")).allSatisfy(r -> {
            assertThat(body(r).path("data").path("id").asText()).isEqualTo(rule);
            assertThat(body(r).path("data").path("actor").asText()).isEqualTo("fraud");
        });
    }

    @Test
    void aTollFraudAlertReachesTheFraudEndpointsOncePerHour() {
        Registered fraud = register(Api.FRAUD_KEY, "/alerts", List.of("fraud.alert"));
        Registered client = register(Api.VERIFY_KEY, "/client", List.of("*"));
        var alert = new io.callauth.fraud.ConversionMonitor.Alert("prefix", "7916" + System.nanoTime() % 10_000,
                40, 2, 0.05, 0.6);
        long hour = clock.millis() / 3_600_000;
        alerts.raised(alert, hour, clock.instant());
        alerts.raised(alert, hour, clock.instant()); // the next evaluation of the same hour
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            send();
            assertThat(receiver.requests("/alerts")).isNotEmpty();
        });
        send();
        assertThat(receiver.requests("/alerts")).singleElement().satisfies(r -> {
            assertThat(body(r).path("type").asText()).isEqualTo("fraud.alert");
            assertThat(body(r).path("data").path("key").asText()).isEqualTo(alert.key());
            assertThat(r.signedBy(fraud.secret())).isTrue();
        });
        assertThat(receiver.requests("/client")).isEmpty();
        assertThat(client.id()).isNotEqualTo(fraud.id());
    }
}
