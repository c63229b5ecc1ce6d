package io.callauth.common;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.Command;

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
            return new LuaScript(name, includes(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read script " + name, e);
        }
    }

    /** a line {@code --#include <name>} is replaced by the script {@code <name>} (shared Lua functions) */
    private static String includes(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (String line : source.split("\n", -1)) {
            if (line.startsWith(INCLUDE)) {
                out.append(fromResource(line.substring(INCLUDE.length()).strip()).source);
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static final String INCLUDE = "--#include ";

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
        return redis.execute(Command.EVALSHA, argv)
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> {
                    String[] eval = argv.clone();
                    eval[0] = source;
                    return redis.execute(Command.EVAL, eval);
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
