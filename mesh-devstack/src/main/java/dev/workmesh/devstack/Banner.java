package dev.workmesh.devstack;

import java.time.Duration;

/** What {@code ./mesh dev} prints once the mesh is ready. */
final class Banner {

  private Banner() {}

  static String text(DevStack stack, Duration took) {
    String api = stack.apiUrl();
    String token = stack.operatorTokenValue();
    return """

        Workmesh is ready (%.1f s).

          API             %s
          Dashboard       %s/ui/  (sign in with the operator token)
          MCP (HTTP)      %s
          Operator token  %s
          Settings        %s  (MESH_API_URL, MESH_MCP_URL, MESH_OPERATOR_TOKEN)

        Try it:
          curl -s -X POST %s/work/missions -H "Authorization: Bearer %s" \\
               -H 'Content-Type: application/json' -d '{"name":"demo"}'
          ./mesh submit demo "Say hello" --runtime bash --command 'echo hello from the mesh'
          ./mesh tasks demo

        Connect Claude Code (as an agent of its own):
          ./mesh enrol my-claude --pool mine         # prints the agent's token once
          ./mesh submit demo "For my agent" --pool mine --description 'Reply with the word ready'
          claude mcp add --scope user --transport http workmesh %s --header "Authorization: Bearer <that token>"

        Press Ctrl-C to stop; state is kept in %s.
        """.formatted(took.toMillis() / 1000.0, api, api, stack.mcpUrl(), token, stack.devEnvFile(), api, token,
        stack.mcpUrl(), stack.options().dataDir());
  }
}
