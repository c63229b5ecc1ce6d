package io.callauth.security;

import java.util.Set;

/** A configured client key: its name (logged, never the secret), its roles and the SHA-256 of its secret. */
public record ApiKey(String name, Set<Role> roles, byte[] secretSha256) {
    public boolean has(Role role) {
        return roles.contains(role);
    }
}
