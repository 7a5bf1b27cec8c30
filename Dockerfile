# One image per service, built from the repository:
#   docker build --build-arg SERVICE=mesh-api -t workmesh/mesh-api .
# SERVICE is one of mesh-api, scheduler-service, watchdog-service, mcp-server, task-worker.

FROM maven:3.9-eclipse-temurin-21 AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl "${SERVICE}" -am package \
 && cp "${SERVICE}"/target/"${SERVICE}"-*-exec.jar /app.jar

FROM eclipse-temurin:21-jre
ARG SERVICE
# The task-worker runs subagents: bash and git for the bash runtime and worktrees.
RUN apt-get update && apt-get install -y --no-install-recommends bash git curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 workmesh
USER workmesh
WORKDIR /home/workmesh
COPY --from=build /app.jar /app/app.jar
ENV SERVICE=${SERVICE} JAVA_OPTS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \"$@\"", "--"]
