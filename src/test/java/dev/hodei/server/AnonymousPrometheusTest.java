package dev.hodei.server;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code hodei.http.anonymous-prometheus} opens the scrape endpoint and nothing else. */
@WebMvcTest(controllers = AnonymousPrometheusTest.Endpoints.class, properties = "hodei.http.anonymous-prometheus=true")
@Import({OperatorSecurity.class, AnonymousPrometheusTest.Endpoints.class})
@EnableConfigurationProperties(HodeiProperties.class)
class AnonymousPrometheusTest {

    @Autowired MockMvc mvc;

    @Test
    void onlyPrometheusAnswersWithoutALogin() throws Exception {
        mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk());
        mvc.perform(get("/actuator/metrics")).andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/hawtio/")).andExpect(status().isUnauthorized());
    }

    @RestController
    static class Endpoints {
        @GetMapping({"/actuator/prometheus", "/actuator/metrics", "/actuator/hawtio/"})
        String ok() {
            return "ok";
        }
    }
}
