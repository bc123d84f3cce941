# The control plane image. Build the jars first (./mvnw -DskipTests package), then:
#   docker build -t hodei-control-plane .
# It contains the agent jar too, so the process provider also works inside the container.
ARG BASE=eclipse-temurin:17-jre
FROM ${BASE}
COPY target/hodei.jar target/hodei-agent.jar /opt/hodei/
WORKDIR /var/lib/hodei
ENV HODEI_HOME=/var/lib/hodei \
    HODEI_ROUTES_DIR=/etc/hodei/routes
EXPOSE 50051 8080
ENTRYPOINT ["java", "-jar", "/opt/hodei/hodei.jar"]
CMD ["server"]
