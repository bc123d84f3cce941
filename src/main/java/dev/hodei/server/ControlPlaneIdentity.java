package dev.hodei.server;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** This installation's id, the {@code hodei.instance} label on every provider resource it makes. */
@Component
public class ControlPlaneIdentity {

    private final String instanceId;

    public ControlPlaneIdentity(JdbcTemplate jdbc) {
        this.instanceId = jdbc.queryForObject("SELECT instance_id::text FROM control_plane WHERE id = 1", String.class);
    }

    public String instanceId() {
        return instanceId;
    }
}
