import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.parser.js';

describe('SseParser', () => {
  it('parses events with a type and JSON data', () => {
    const parser = new SseParser();
    const events = parser.push('event: progress\ndata: {"step":"dump"}\n\nevent: end\ndata: {}\n\n');
    expect(events).toEqual([
      { event: 'progress', data: '{"step":"dump"}' },
      { event: 'end', data: '{}' },
    ]);
  });

  it('reassembles lines and events split across chunks anywhere', () => {
    const text = 'event: log\ndata: {"id":1,"message":"héllo"}\n\nevent: status\ndata: {"s":1}\n\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events.map((e) => e.event)).toEqual(['log', 'status']);
      expect(events[0]?.data).toBe('{"id":1,"message":"héllo"}');
    }
  });

  it('accepts CRLF and CR line endings, also when CRLF is split between chunks', () => {
    const parser = new SseParser();
    expect(parser.push('event: a\r\ndata: 1\r')).toEqual([]);
    expect(parser.push('\n\r\nevent: b\rdata: 2\r\r')).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ]);
  });

  it('joins several data lines with newlines and defaults the type to message', () => {
    expect(new SseParser().push('data: one\ndata:two\n\n')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('ignores comments (keep-alives), unknown fields and events without data', () => {
    const parser = new SseParser();
    expect(parser.push(': ping\n\nretry: 1000\nfoo: bar\n\nevent: lonely\n\n')).toEqual([]);
  });

  it('keeps the last id and strips only one leading space', () => {
    expect(new SseParser().push('id: 42\ndata:  two spaces\n\n')).toEqual([
      { event: 'message', data: ' two spaces', id: '42' },
    ]);
  });

  it('drops an unterminated event at the end of the stream', () => {
    const parser = new SseParser();
    expect(parser.push('event: end\ndata: {}\n')).toEqual([]);
    parser.end();
    expect(parser.push('\n')).toEqual([]);
  });
});
