# session-presence container image: exactly the target/image/ layout that ImageIT starts
# (jlink runtime with only the modules used, the app, a trained JDK 25 AOT cache, the launcher).
#
#   docker build -t session-presence:0.1.0-SNAPSHOT .
#   docker run --read-only --tmpfs /tmp -p 8080:8080 -e ADMIN_TOKEN=... session-presence:0.1.0-SNAPSHOT
#
# Build stage: Maven and a JDK 25. The image profile builds the runtime with jlink and trains the
# AOT cache by running the service briefly (it needs curl).
FROM maven:3.9-eclipse-temurin-25 AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends curl >/dev/null && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml .
COPY config config
COPY src src
RUN mvn -B -q -Pimage package -DskipTests

# Run stage: a small glibc distribution (Temurin's binaries, hence the jlink runtime, run on any
# recent glibc), a non-root user; the launcher needs only /bin/sh, and nothing but /tmp is written.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
COPY --from=build --chown=root:root /src/target/image /app
USER 10001
EXPOSE 8080
ENV PORT=8080
ENTRYPOINT ["/app/bin/session-presence"]
