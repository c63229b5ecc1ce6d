package io.callauth.webhooks;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReceiverTest {

    final Receiver receiver = Receiver.start();
    final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        receiver.close();
    }

    HttpResponse<String> post(URI url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void itListensOnLoopbackAndRecordsEachRequest() throws Exception {
        assertThat(receiver.url("/hook").toString()).isEqualTo("http://127.0.0.1:" + receiver.port() + "/hook");
        Instant before = Instant.now();
        HttpResponse<String> r = post(URI.create(receiver.url("/hook") + "?a=1"), "{\"type\":\"x\",\"n\":\"ü\"}",
                "Content-Type", "application/json", "Webhook-Id", "evt_1");
        assertThat(r.statusCode()).as("a path without a script").isEqualTo(200);
        Receiver.Request got = receiver.await("/hook", 1).getFirst();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/hook");
        assertThat(got.query()).isEqualTo("a=1");
        assertThat(got.body()).isEqualTo("{\"type\":\"x\",\"n\":\"ü\"}");
        assertThat(got.header("content-type")).isEqualTo("application/json");
        assertThat(got.header("WEBHOOK-ID")).isEqualTo("evt_1");
        assertThat(got.webhookId()).isEqualTo("evt_1");
        assertThat(got.at()).isBetween(before, Instant.now());
        assertThat(receiver.requests("/other")).isEmpty();
    }

    @Test
    void arrivalTimesComeFromTheGivenClock() throws Exception {
        Instant fixed = Instant.parse("2030-01-02T03:04:05Z");
        try (Receiver r = Receiver.start(Clock.fixed(fixed, ZoneOffset.UTC))) {
            post(r.url("/x"), "{}");
            assertThat(r.await(1).getFirst().at()).isEqualTo(fixed);
        }
    }

    @Test
    void aScriptAnswersInOrderAndItsLastReplyRepeats() throws Exception {
        receiver.on("/flaky", Receiver.status(500), Receiver.retryAfter(429, 7), Receiver.retryAfter(503, 2),
                Receiver.status(410));
        receiver.on("/ok", Receiver.status(204));
        List<Integer> statuses = new java.util.ArrayList<>();
        HttpResponse<String> r;
        for (int i = 0; i < 5; i++) {
            r = post(receiver.url("/flaky"), "{}");
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
            } else if (r.statusCode() == 503) {
                assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
            } else {
                assertThat(r.headers().firstValue("Retry-After")).isEmpty();
            }
        }
        assertThat(statuses).containsExactly(500, 429, 503, 410, 410);
        assertThat(post(receiver.url("/ok"), "{}").statusCode()).isEqualTo(204);
        assertThat(receiver.await("/flaky", 5)).hasSize(5);
        assertThat(receiver.requests()).hasSize(6);

        receiver.on("/flaky", Receiver.ok());
        assertThat(post(receiver.url("/flaky"), "{}").statusCode()).as("a new script starts over").isEqualTo(200);
    }

    @Test
    void aRedirectNamesAnotherPathWhichGetsNothingFromAClientThatDoesNotFollow() throws Exception {
        receiver.on("/moved", Receiver.redirect("/elsewhere"));
        HttpResponse<String> r = post(receiver.url("/moved"), "{}");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue(receiver.url("/elsewhere").toString());
        assertThat(receiver.requests("/moved")).hasSize(1);
        assertThat(receiver.requests("/elsewhere")).isEmpty();

        // a client that follows shows up on the other path: what a sender's test asserts never happens
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        following.send(HttpRequest.newBuilder(receiver.url("/moved")).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(receiver.await("/elsewhere", 1)).hasSize(1);
    }

    @Test
    void aHangOutlastsTheClientsTimeoutAndIsRecordedOnArrival() {
        receiver.on("/slow", Receiver.hang(Duration.ofSeconds(30)));
        HttpRequest req = HttpRequest.newBuilder(receiver.url("/slow")).timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThatThrownBy(() -> client.send(req, HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(receiver.requests("/slow")).hasSize(1);
    }

    @Test
    void aBoundedHangThenAnswers() throws Exception {
        receiver.on("/late", Receiver.hang(Duration.ofMillis(300)));
        long t0 = System.nanoTime();
        assertThat(post(receiver.url("/late"), "{}").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void concurrentRequestsAreCountedAndCloseReleasesEveryHang() {
        Receiver r = Receiver.start();
        r.on("/stuck", Receiver.hang(Duration.ofMinutes(10)));
        List<CompletableFuture<HttpResponse<Void>>> pending = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pending.add(client.sendAsync(HttpRequest.newBuilder(r.url("/stuck"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding()));
        }
        r.await("/stuck", 3);
        assertThat(r.maxInFlight("/stuck")).isEqualTo(3);
        long t0 = System.nanoTime();
        r.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("close does not wait for the hang")
                .isLessThan(Duration.ofSeconds(5));
        for (CompletableFuture<HttpResponse<Void>> f : pending) {
            assertThatThrownBy(() -> f.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the hanging requests end without an answer").isNotNull();
        }
        assertThatThrownBy(() -> post(r.url("/stuck"), "{}")).as("the port is closed").isInstanceOf(Exception.class);
    }

    @Test
    void signaturesAreCheckedWithTheGivenSecrets() throws Exception {
        String secret = Signatures.newSecret();
        String old = Signatures.newSecret();
        long ts = Instant.now().getEpochSecond();
        String body = "{\"type\":\"verification.approved\",\"timestamp\":\"2030-01-01T00:00:00Z\",\"data\":{}}";
        post(receiver.url("/signed"), body, "webhook-id", "evt_1", "webhook-timestamp", Long.toString(ts),
                "webhook-signature", Signatures.sign("evt_1", ts, body, List.of(secret, old)));
        Receiver.Request got = receiver.await(1).getFirst();
        assertThat(got.signedBy(secret)).isTrue();
        assertThat(got.signedBy(old)).isTrue();
        assertThat(got.signedBy(Signatures.newSecret())).isFalse();
        assertThatCode(() -> receiver.assertSigned(secret)).doesNotThrowAnyException();
        assertThatThrownBy(() -> receiver.assertSigned(Signatures.newSecret())).isInstanceOf(AssertionError.class)
                .hasMessageContaining("evt_1");

        // a body changed on the way, a missing header
        post(receiver.url("/signed"), body.replace("approved", "failed"), "webhook-id", "evt_1", "webhook-timestamp",
                Long.toString(ts), "webhook-signature", Signatures.sign("evt_1", ts, body, List.of(secret)));
        post(receiver.url("/signed"), body, "webhook-id", "evt_1");
        List<Receiver.Request> all = receiver.await("/signed", 3);
        assertThat(all.get(1).signedBy(secret)).isFalse();
        assertThat(all.get(2).signedBy(secret)).isFalse();
        assertThat(all.get(2).webhookTimestamp()).isEqualTo(-1);
        assertThatThrownBy(() -> receiver.assertSigned(secret)).isInstanceOf(AssertionError.class);
    }

    @Test
    void awaitGivesUpWhenTooFewArrive() throws Exception {
        post(receiver.url("/one"), "{}");
        assertThatThrownBy(() -> receiver.await("/one", 2, Duration.ofMillis(200)))
                .isInstanceOf(ConditionTimeoutException.class);
        receiver.clear();
        assertThat(receiver.requests()).isEmpty();
    }
}
