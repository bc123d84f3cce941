package dev.hodei.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The {@code dev} profile turns the console login off, so it may only listen where nobody else can
 * reach: both the HTTP and the gRPC address must be loopback, or the server does not start. As a
 * bean-factory post-processor it runs before any bean, so nothing has listened yet when it refuses.
 */
@Component
@Profile("dev")
class DevProfileOnLoopback implements BeanFactoryPostProcessor, EnvironmentAware {

    private Environment env;

    @Override
    public void setEnvironment(Environment environment) {
        this.env = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        check("server.address", env.getProperty("server.address", ""));
        check("hodei.grpc.address", env.getProperty("hodei.grpc.address", "127.0.0.1"));
    }

    static void check(String property, String address) {
        if (!isLoopback(address)) {
            throw new IllegalStateException("The dev profile has no login on the Hawtio console and may only listen on"
                    + " loopback, but " + property + " is '" + address + "'. Start without the dev profile, or set "
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
