import type { IncomingMessage, ServerResponse } from 'node:http';
import { All, Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AccessToken, CurrentAccessToken, ProtectedResource, Scopes } from '../../lib';
import { whoAmI, WhoAmI } from './who-am-i';

/**
 * The sample's MCP server (Streamable HTTP, stateless). oauthist guards the endpoint like any
 * other route: only a token whose audience includes ISSUER/mcp passes, and a refusal names the
 * resource's metadata (RFC 9728 §5.1), which is where an MCP client starts signing in.
 */
@Controller('mcp')
@ProtectedResource('/mcp')
@Scopes()
export class McpController {
  @Post()
  async call(
    @CurrentAccessToken() token: AccessToken,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
    @Body() body: unknown,
  ): Promise<void> {
    // Stateless: a server and a transport per request, so each call sees its own token.
    const server = mcpServerFor(whoAmI(token));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, body);
  }

  /**
   * A stateless server keeps no stream open for notifications (GET) and no session to end
   * (DELETE): the Streamable HTTP transport's answer to both is 405.
   */
  @All()
  @HttpCode(405)
  notAllowed(@Res({ passthrough: true }) response: ServerResponse): object {
    response.setHeader('Allow', 'POST');
    return {
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Method not allowed: this MCP server is stateless' },
      id: null,
    };
  }
}

function mcpServerFor(caller: WhoAmI): McpServer {
  const server = new McpServer({ name: 'oauthist-sample', version: '1.0.0' });
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description: 'The user, client and scope of the access token that called this tool.',
    },
    () => ({
      content: [{ type: 'text', text: JSON.stringify(caller) }],
      structuredContent: { ...caller },
    }),
  );
  return server;
}
