package io.callauth.it;

import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The packaged app on Redis Sentinel ({@code QUARKUS_REDIS_CLIENT_TYPE=sentinel}, one URL per sentinel, the master
 * name): one master, one replica and three sentinels, real redis-server processes started by the test. The master
 * is killed mid-run (no shutdown): the sentinels promote the replica, the app reconnects by itself, the verification
 * created before the failover still checks, and new verifications start, are tracked and check after it. Then the old
 * master returns as a replica and an operator fails over to it on purpose (SENTINEL FAILOVER): the app follows again.
 */
class SentinelIT {

    static final String KEY = "Bearer dev-key-change-me";
    static final String NAME = "callauth";
    static RedisNodes nodes;
    static Process masterProcess;
    static int master;
    static int replica;
    static final List<Integer> sentinels = new ArrayList<>();
    static CallPassEmulator callpass;
    static PackagedApp app;

    @BeforeAll
    static void boot() throws Exception {
        nodes = new RedisNodes();
        master = RedisNodes.freePort();
        masterProcess = nodes.server(master);
        replica = RedisNodes.freePort();
        nodes.server(replica, "--replicaof", "127.0.0.1", Integer.toString(master));
        for (int i = 0; i < 3; i++) {
            int port = RedisNodes.freePort();
            nodes.sentinel(port, NAME, master);
            sentinels.add(port);
        }
        // the replica is in sync and every sentinel knows it and the other sentinels: a failover can happen
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                RedisNodes.text(replica, "INFO", "replication").contains("master_link_status:up")
                        && sentinels.stream().allMatch(SentinelIT::seesTheWholeSet));

        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        String hosts = sentinels.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
        Map<String, String> env = ProdJarIT.env(hosts, callpass.url());
        env.put("QUARKUS_REDIS_CLIENT_TYPE", "sentinel");
        env.put("QUARKUS_REDIS_MASTER_NAME", NAME);
        app = PackagedApp.start(env);
        app.awaitReady();
    }

    private static boolean seesTheWholeSet(int sentinel) {
        try {
            return ((List<?>) RedisNodes.call(sentinel, "SENTINEL", "REPLICAS", NAME)).size() == 1
                    && ((List<?>) RedisNodes.call(sentinel, "SENTINEL", "SENTINELS", NAME)).size() == 2;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(app, callpass, nodes);
    }

    private static String start(String phone) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"phone\":\"" + phone + "\"}").post("/v1/verifications").then().statusCode(201)
                .extract().path("id");
    }

    private static void delivered(String id) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                RestAssured.given().baseUri(app.url()).header("Authorization", KEY).get("/v1/verifications/" + id)
                        .then().body("callStatus", equalTo("delivered")));
    }

    @Test
    void theMasterDiesAndTheServiceGoesOnWithThePromotedReplica() throws Exception {
        callpass.pollsBeforeFinal(1);
        String before = start("+79165550101");
        String beforeCode = callpass.lastCall().code(4);
        delivered(before);
        // what the master acknowledged has reached the replica
        assertThat(RedisNodes.text(master, "WAIT", "1", "5000")).isEqualTo("1");

        long killed = System.nanoTime();
        nodes.kill(masterProcess);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                sentinels.stream().allMatch(s -> masterPort(s) == replica));
        assertThat(RedisNodes.text(replica, "INFO", "replication")).contains("role:master");
        long promoted = System.nanoTime();

        // no restart: the verification made before the failover checks on the new master
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                RestAssured.given().baseUri(app.url()).header("Authorization", KEY).contentType(ContentType.JSON)
                        .body("{\"code\":\"" + beforeCode + "\"}").post("/v1/verifications/" + before + "/check")
                        .then().statusCode(200).body("valid", equalTo(true)).body("status", equalTo("approved")));
        System.out.printf("SentinelIT: master killed; replica promoted by the sentinels after %d ms, the app served "
                + "the check after %d ms%n", (promoted - killed) / 1_000_000, (System.nanoTime() - killed) / 1_000_000);

        // and new ones start, are tracked to their outcome and check
        String after = start("+79165550102");
        delivered(after);
        RestAssured.given().baseUri(app.url()).header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"code\":\"" + callpass.lastCall().code(4) + "\"}").post("/v1/verifications/" + after + "/check")
                .then().statusCode(200).body("status", equalTo("approved"));
        RestAssured.given().baseUri(app.managementUrl()).get("/q/health/ready").then().statusCode(200);
        assertThat(RedisNodes.text(replica, "EXISTS", "ca:vf:{" + after + "}")).isEqualTo("1");

        // 2. the old master comes back as a replica, and an operator fails over to it on purpose (SENTINEL FAILOVER):
        // the old master is demoted, not dead; the app moves to the new master all the same
        nodes.server(master, "--replicaof", "127.0.0.1", Integer.toString(replica));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                RedisNodes.text(master, "INFO", "replication").contains("master_link_status:up")
                        && sentinels.stream().allMatch(sn -> knowsHealthyReplica(sn, master)));
        String third = start("+79165550103");
        String thirdCode = callpass.lastCall().code(4);
        assertThat(RedisNodes.text(replica, "WAIT", "1", "5000")).isEqualTo("1");
        long asked = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                "OK".equals(RedisNodes.text(sentinels.get(0), "SENTINEL", "FAILOVER", NAME)));
        // the sentinels name the new master at once; the old one is demoted (REPLICAOF) some seconds later. Until then
        // it still takes writes, from clients whose connections were not moved yet, and loses them when it resyncs:
        // Sentinel's asynchronous replication (README). The check below may run in that window: it is retried until it
        // lands; new verifications are started once the old master is demoted.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                RedisNodes.text(master, "INFO", "replication").contains("role:master")
                        && sentinels.stream().allMatch(sn -> masterPort(sn) == master));
        long switched = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                RestAssured.given().baseUri(app.url()).header("Authorization", KEY).contentType(ContentType.JSON)
                        .body("{\"code\":\"" + thirdCode + "\"}").post("/v1/verifications/" + third + "/check")
                        .then().statusCode(200).body("status", equalTo("approved")));
        System.out.printf("SentinelIT: SENTINEL FAILOVER back to the old master: named by the sentinels after %d ms, the app "
                + "served the check after %d ms%n", (switched - asked) / 1_000_000, (System.nanoTime() - asked) / 1_000_000);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                RedisNodes.text(replica, "INFO", "replication").contains("role:slave"));
        String fourth = start("+79165550104");
        delivered(fourth);
        assertThat(RedisNodes.text(master, "EXISTS", "ca:vf:{" + fourth + "}")).isEqualTo("1");
    }

    /** the master's port as a sentinel names it, or -1 */
    private static int masterPort(int sentinel) {
        try {
            List<?> addr = (List<?>) RedisNodes.call(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME);
            return Integer.parseInt(addr.get(1).toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** whether a sentinel lists the server on {@code port} as a replica that is up */
    private static boolean knowsHealthyReplica(int sentinel, int port) {
        try {
            for (Object r : (List<?>) RedisNodes.call(sentinel, "SENTINEL", "REPLICAS", NAME)) {
                List<?> kv = (List<?>) r;
                Map<String, String> f = new java.util.HashMap<>();
                for (int i = 0; i + 1 < kv.size(); i += 2) {
                    f.put(kv.get(i).toString(), kv.get(i + 1).toString());
                }
                if (f.getOrDefault("port", "").equals(Integer.toString(port)) && f.getOrDefault("flags", "").equals("slave")
                        && "ok".equals(f.get("master-link-status"))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
