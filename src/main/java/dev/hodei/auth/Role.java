package dev.hodei.auth;

import java.util.EnumSet;
import java.util.Set;

/** A token's role: each includes the ones before it. */
public enum Role {
    VIEWER(EnumSet.of(Permission.READ)),
    SUBMITTER(EnumSet.of(Permission.READ, Permission.SUBMIT)),
    OPERATOR(EnumSet.of(Permission.READ, Permission.SUBMIT, Permission.MANAGE)),
    ADMIN(EnumSet.allOf(Permission.class));

    private final Set<Permission> grants;

    Role(Set<Permission> grants) {
        this.grants = grants;
    }

    public boolean grants(Permission p) {
        return grants.contains(p);
    }

    public hodei.v1.Role toProto() {
        return hodei.v1.Role.valueOf("ROLE_" + name());
    }

    /** @throws IllegalArgumentException for ROLE_UNSPECIFIED and unknown values */
    public static Role fromProto(hodei.v1.Role role) {
        if (role == hodei.v1.Role.ROLE_UNSPECIFIED || role == hodei.v1.Role.UNRECOGNIZED) {
            throw new IllegalArgumentException("role: give ROLE_VIEWER, ROLE_SUBMITTER, ROLE_OPERATOR or ROLE_ADMIN");
        }
        return valueOf(role.name().substring("ROLE_".length()));
    }
}
