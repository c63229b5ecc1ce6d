package io.callauth.it;

import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Two packaged replicas on a real three-master Redis Cluster ({@code QUARKUS_REDIS_CLIENT_TYPE=cluster}, the nodes
 * started by the test from the redis-server the embedded-redis jar ships, slots assigned with CLUSTER ADDSLOTS and
 * joined with CLUSTER MEET). The whole flow across the replicas, the limits shared by them, the tracker following a
 * placed call to its outcome, the archive ingest from every stream shard, a script cache flushed on every node; and
 * the shards of the tracker and of the attempt stream really spread over the masters.
 */
class ClusterIT {

    static final String KEY = "Bearer dev-key-change-me";
    static RedisNodes nodes;
    static List<Integer> masters;
    static CallPassEmulator callpass;
    static PackagedApp a;
    static PackagedApp b;
    static final String APP = "cl-" + UUID.randomUUID().toString().substring(0, 8);
    static int phones = 1000;

    @BeforeAll
    static void boot() throws Exception {
        nodes = new RedisNodes();
        masters = nodes.cluster(3);
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        String hosts = masters.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
        Map<String, String> env = ProdJarIT.env(hosts, callpass.url());
        env.put("QUARKUS_REDIS_CLIENT_TYPE", "cluster");
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
        a = PackagedApp.start(env);
        b = PackagedApp.start(env);
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(a, b, callpass, nodes);
    }

    @BeforeEach
    void fresh() {
        callpass.reset();
    }

    private static String start(PackagedApp app, String phone) {
        return start(app, phone, "other-" + APP);
    }

    private static String start(PackagedApp app, String phone, String appId) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"phone\":\"" + phone + "\",\"context\":{\"appId\":\"" + appId + "\",\"ip\":\"192.0.2."
                        + (phones % 200 + 1) + "\"}}")
                .post("/v1/verifications").then().statusCode(201).extract().path("id");
    }

    private static String newPhone() {
        return String.format("+7916%07d", phones++);
    }

    private static void check(PackagedApp app, String id, String code) {
        RestAssured.given().baseUri(app.url()).header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"code\":\"" + code + "\"}").post("/v1/verifications/" + id + "/check").then()
                .statusCode(200).body("valid", equalTo(true)).body("status", equalTo("approved"));
    }

    @Test
    void theWholeFlowRunsAcrossTwoReplicasOnTheCluster() throws Exception {
        callpass.pollsBeforeFinal(1);
        List<String> ids = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(start(i % 2 == 0 ? a : b, newPhone(), APP));
            codes.add(callpass.lastCall().code(4));
        }
        for (int i = 0; i < 12; i++) {
            PackagedApp other = i % 2 == 0 ? b : a;
            String id = ids.get(i);
            // the trackers (either replica, from whichever shard) follow the placed call to its outcome
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    RestAssured.given().baseUri(other.url()).header("Authorization", KEY).get("/v1/verifications/" + id)
                            .then().body("callStatus", equalTo("delivered")));
            check(other, id, codes.get(i));
        }

        // the archive ingest reads every stream shard: all 12 verifications, started and approved, no record twice
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().untilAsserted(() -> {
            assertThat(attemptIds("started")).hasSize(12);
            assertThat(attemptIds("approved")).hasSize(12);
        });
        assertThat(new HashSet<>(attemptIds("started"))).hasSize(12);

        // nothing sits on one slot: the tracker's shards (one hash tag each) and the stream's shards are owned by all
        // three masters, and the records of these verifications landed in several shards on more than one master
        Set<Integer> trackerOwners = new HashSet<>();
        Set<Integer> streamOwners = new HashSet<>();
        Set<Integer> mastersWithRecords = new HashSet<>();
        int shardsWithRecords = 0;
        for (int shard = 0; shard < 8; shard++) {
            String tag = shard == 0 ? "{calls}" : "{calls:" + shard + "}";
            int tracker = owner("ca:" + tag + ":due");
            assertThat(owner("ca:" + tag + ":jobs")).isEqualTo(tracker);
            assertThat(owner("ca:" + tag + ":owners")).isEqualTo(tracker);
            trackerOwners.add(tracker);
            String stream = shard == 0 ? "ca:attempts" : "ca:attempts:" + shard;
            int node = owner(stream);
            streamOwners.add(node);
            if (Long.parseLong(RedisNodes.text(node, "XLEN", stream)) > 0) {
                shardsWithRecords++;
                mastersWithRecords.add(node);
            }
        }
        assertThat(trackerOwners).containsExactlyInAnyOrderElementsOf(masters);
        assertThat(streamOwners).containsExactlyInAnyOrderElementsOf(masters);
        assertThat(shardsWithRecords).isGreaterThanOrEqualTo(4);
        assertThat(mastersWithRecords).hasSizeGreaterThanOrEqualTo(2);
    }

    /** the master that owns a key's slot (the others answer MOVED) */
    private static int owner(String key) throws IOException {
        for (int port : masters) {
            try {
                RedisNodes.call(port, "TYPE", key);
                return port;
            } catch (IOException e) {
                if (!e.getMessage().contains("MOVED")) {
                    throw e;
                }
            }
        }
        throw new AssertionError("no master owns " + key);
    }

    @Test
    void limitsAreSharedByTheReplicas() throws Exception {
        // 40 starts to one phone released at once, alternating between the replicas: exactly 3 calls (3/10m)
        String phone = newPhone();
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                PackagedApp target = i % 2 == 0 ? a : b;
                String json = "{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"198.51.100." + (i + 1) + "\"}}";
                futures.add(pool.submit(() -> {
                    gate.await();
                    return http.send(HttpRequest.newBuilder(URI.create(target.url() + "/v1/verifications"))
                            .header("Authorization", KEY).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                            HttpResponse.BodyHandlers.ofString());
                }));
            }
            gate.countDown();
            int created = 0;
            int limited = 0;
            for (Future<HttpResponse<String>> f : futures) {
                int status = f.get().statusCode();
                created += status == 201 ? 1 : 0;
                limited += status == 429 ? 1 : 0;
            }
            assertThat(new int[]{created, limited}).containsExactly(3, 37);
            assertThat(callpass.calls()).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aScriptCacheFlushedOnEveryNodeIsRefilledByTheFirstCall() throws Exception {
        callpass.pollsBeforeFinal(1);
        String before = start(a, newPhone());
        for (int port : masters) {
            RedisNodes.call(port, "SCRIPT", "FLUSH");
        }
        // every script now answers NOSCRIPT once: EVAL with the source routes by key and runs it on the right node
        check(b, before, callpass.lastCall().code(4));
        String after = start(b, newPhone());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                RestAssured.given().baseUri(a.url()).header("Authorization", KEY).get("/v1/verifications/" + after)
                        .then().body("callStatus", equalTo("delivered")));
        check(a, after, callpass.lastCall().code(4));
    }

    private static List<String> attemptIds(String type) {
        JsonPath p = RestAssured.given().baseUri(a.url()).header("Authorization", "Bearer fraud-key")
                .get("/v1/attempts?appId=" + APP + "&type=" + type + "&limit=1000").then().statusCode(200)
                .extract().jsonPath();
        return p.getList("items.id");
    }
}
