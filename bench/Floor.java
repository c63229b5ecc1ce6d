import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor of a check on this stack: what a check's work costs with no framework at all. One Vert.x HTTP server on
 * one event loop, the Redis client the app uses, Jackson for the body and the answer; no Quarkus, no CDI, no auth,
 * no metrics, no context propagation. {@code POST /v1/verifications/{id}/check} reads the body's {@code code}, runs a
 * one-key script by {@code EVALSHA} (an HMGET of two fields, as the check script's first read) and answers
 * {@code {"valid":false,"status":...,"checksLeft":...}}. With {@code --log} it also sends an {@code XADD} to one
 * stream after the script's reply, without waiting for it (the check's pipelined attempt record).
 * <p>
 * {@code java -cp <vertx-core, vertx-redis-client, jackson-databind> bench/Floor.java --port P --redis URL [--log]};
 * {@code bench/floor.sh} runs it next to {@code redis-benchmark}'s EVALSHA line.
 */
public class Floor {
    public static void main(String[] args) throws Exception {
        int port = 0;
        String redisUrl = "redis://127.0.0.1:6379";
        boolean log = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--redis" -> redisUrl = args[++i];
                case "--log" -> log = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        boolean withLog = log;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
                .setMaxPoolSize(8).setMaxPoolWaiting(10_000));
        String sha = redis.send(Request.cmd(Command.SCRIPT).arg("LOAD")
                        .arg("local f = redis.call('HMGET', KEYS[1], 'status', 'codeMac') return {f[1] or 'not_found', 0, 5}"))
                .toCompletionStage().toCompletableFuture().get().toString();
        ObjectMapper json = new ObjectMapper();
        vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            String path = req.path();
            int from = path.indexOf("/verifications/") + "/verifications/".length();
            int to = path.lastIndexOf('/');
            if (from < "/verifications/".length() || to <= from) {
                req.response().setStatusCode(404).end();
                return;
            }
            String id = path.substring(from, to);
            String code;
            try {
                code = json.readTree(body.getBytes()).path("code").asText();
            } catch (Exception e) {
                req.response().setStatusCode(400).end();
                return;
            }
            redis.send(Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg("ca:{v:" + id + "}").arg(code)).onComplete(ar -> {
                if (ar.failed()) {
                    req.response().setStatusCode(503).end();
                    return;
                }
                Response r = ar.result();
                if (withLog) {
                    redis.send(Request.cmd(Command.XADD).arg("ca:{attempts}").arg("MAXLEN").arg("~").arg(100_000).arg("*")
                            .arg("type").arg("check").arg("id").arg(id));
                }
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("valid", false);
                answer.put("status", r.get(0).toString());
                answer.put("checksLeft", r.get(2).toInteger());
                try {
                    req.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(json.writeValueAsBytes(answer)));
                } catch (Exception e) {
                    req.response().setStatusCode(500).end();
                }
            });
        })).listen(port).toCompletionStage().toCompletableFuture().get();
        System.out.println("floor listening on " + port + (withLog ? " (with the stream append)" : ""));
    }
}
