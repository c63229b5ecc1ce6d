package io.callauth.provider.support;

import io.callauth.common.Ids;

import java.util.List;
import java.util.Optional;

/**
 * A click-to-call account's caller-ID pool. The call comes from a number picked at random, and the code is its
 * last digits: a provider without a pool cannot serve flash calls.
 */
public final class CallerIds {

    private final List<String> pool;

    public CallerIds(Optional<List<String>> configured) {
        this.pool = configured.orElse(List.of()).stream().map(s -> s.replaceAll("[^0-9]", ""))
                .filter(s -> !s.isEmpty()).toList();
    }

    public boolean isEmpty() {
        return pool.isEmpty();
    }

    public String pick() {
        if (pool.isEmpty()) {
            throw new IllegalStateException("empty caller-ID pool");
        }
        return pool.get(Ids.nextInt(pool.size()));
    }

    /** the pool's numbers, digits only */
    public List<String> numbers() {
        return pool;
    }

    /** pool entries too short to carry a code of {@code codeLength} digits */
    public List<String> tooShort(int codeLength) {
        return pool.stream().filter(s -> s.length() < codeLength).toList();
    }
}
