import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from './http-error';

/**
 * Requests Node's HTTP parser refuses never reach Express (headers over the
 * size limit, a malformed request line). Answer them in the API's error shape
 * rather than with Node's bare status line, and close the connection.
 */
export function answerClientErrors(server: Server): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const refusal: { code: ErrorCode; message: string } = tooLarge
      ? { code: 'headers_too_large', message: 'the request line and headers exceed 16 KB' }
      : { code: 'invalid_request', message: 'the request could not be parsed as HTTP' };
    const body = JSON.stringify({ error: refusal });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
