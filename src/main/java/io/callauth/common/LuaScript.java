package io.callauth.common;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script called by SHA: one round trip with EVALSHA. After a Redis restart or failover the script cache is
 * empty: NOSCRIPT falls back to EVAL with the source, which runs it at once and caches it on the node that owns the
 * keys (on a Redis Cluster, a SCRIPT LOAD would go to whichever node the client picks, not necessarily that one).
 * All keys of one call must share a hash tag.
 */
public final class LuaScript {

    private final String name;
    private final String source;
    private final String sha;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    public static LuaScript fromResource(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream("/scripts/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read script " + name, e);
        }
    }

    public static LuaScript of(String name, String source) {
        return new LuaScript(name, source);
    }

    public String name() {
        return name;
    }

    public String sha() {
        return sha;
    }

    public Uni<Response> call(ReactiveRedisDataSource redis, List<String> keys, List<String> args) {
        List<String> cmd = new ArrayList<>(2 + keys.size() + args.size());
        cmd.add(sha);
        cmd.add(Integer.toString(keys.size()));
        cmd.addAll(keys);
        cmd.addAll(args);
        String[] argv = cmd.toArray(String[]::new);
        return redis.execute("EVALSHA", argv)
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> {
                    String[] eval = argv.clone();
                    eval[0] = source;
                    return redis.execute("EVAL", eval);
                });
    }

    private static boolean isNoScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().contains("NOSCRIPT");
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
