package dev.hodei.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Without the console login (the {@code dev} profile, or {@code hodei.hawtio.authentication=false}
 * in any profile) the server may only listen where nobody else can reach: both the HTTP and the
 * gRPC address must be loopback, or it does not start. As a bean-factory post-processor it runs
 * before any bean, so nothing has listened yet when it refuses.
 */
@Component
class DevProfileOnLoopback implements BeanFactoryPostProcessor, EnvironmentAware {

    private Environment env;

    @Override
    public void setEnvironment(Environment environment) {
        this.env = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (env.getProperty("hodei.hawtio.authentication", Boolean.class, true)) return;
        check("server.address", env.getProperty("server.address", ""));
        check("hodei.grpc.address", env.getProperty("hodei.grpc.address", "127.0.0.1"));
    }

    static void check(String property, String address) {
        if (!isLoopback(address)) {
            throw new IllegalStateException("Without a login on the Hawtio console (the dev profile, or "
                    + "hodei.hawtio.authentication=false) the server may only listen on loopback, but " + property + " is '" + address + "'. Start without the dev profile (and with the login on), or set "
                    + property + "=127.0.0.1.");
        }
    }

    /** Empty means every interface; a name counts only when all its addresses are loopback. */
    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) return false;
        try {
            InetAddress[] all = InetAddress.getAllByName(address.trim());
            return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
