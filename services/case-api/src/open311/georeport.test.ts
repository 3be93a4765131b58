/** The GeoReport wire format: XML and JSON of one answer, the spec's error document, the answer's language. */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { UnsafeTextError } from '@minqing/shared';
import { errorAnswer, formatOf, Open311Error, render, toOpen311Error } from './georeport';
import { label, languageOf } from './labels';

const req = (over: Partial<{ url: string; routeUrl: string; headers: Record<string, string> }> = {}) =>
  ({ id: 'req-1', url: over.url ?? '/open311/v2/x', routeOptions: { url: over.routeUrl }, headers: over.headers ?? {} }) as unknown as FastifyRequest;

describe('render', () => {
  const list = { root: 'service_requests', item: 'request', body: [{ service_request_id: 'MQ-AAAA-BBBB', status: 'open', status_notes: 'a <b> & "c"', lat: 40.5, address: null }] };

  it('writes a list as the wrapper element with one element per item, text escaped, nulls left out', () => {
    const xml = render('xml', list);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<service_requests>')).toBe(true);
    expect(xml).toContain('<request>');
    expect(xml).toContain('<status_notes>a &lt;b&gt; &amp; &quot;c&quot;</status_notes>');
    expect(xml).toContain('<lat>40.5</lat>');
    expect(xml).not.toContain('address');
  });

  it('writes JSON as the spec shows it (an array for a list), nulls left out', () => {
    expect(JSON.parse(render('json', list))).toEqual([{ service_request_id: 'MQ-AAAA-BBBB', status: 'open', status_notes: 'a <b> & "c"', lat: 40.5 }]);
  });

  it('nests list-valued fields of a document (attributes → attribute, values → value)', () => {
    const xml = render('xml', { root: 'service_definition', item: null, lists: { attributes: 'attribute', values: 'value' }, body: { service_code: 'other', attributes: [{ code: 'village', values: [{ key: 'wulan', name: '乌兰' }, { key: 'x', name: 'y' }] }] } });
    expect(xml.replace(/\s+/g, '')).toContain('<attributes><attribute><code>village</code><values><value><key>wulan</key><name>乌兰</name></value><value><key>x</key>');
  });

  it('writes the error document: errors → error with code and description', () => {
    const e = Open311Error.of(400, 'service_code is required', 'lat must be between -90 and 90');
    expect(render('xml', errorAnswer(e.errors)).replace(/\s+/g, '')).toContain('<errors><error><code>400</code><description>service_codeisrequired</description></error><error><code>400</code>');
    expect(JSON.parse(render('json', errorAnswer(e.errors)))).toEqual([{ code: 400, description: 'service_code is required' }, { code: 400, description: 'lat must be between -90 and 90' }]);
  });
});

describe('errors and formats', () => {
  it('maps schema errors to one error per field, named as the spec names it', () => {
    const err = Object.assign(new Error('bad'), {
      validation: [
        { instancePath: '', keyword: 'required', params: { missingProperty: 'service_code' }, message: "must have required property 'service_code'" },
        { instancePath: '/lat', keyword: 'pattern', params: { pattern: 'x' }, message: 'must match pattern "x"' },
        { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'colour' }, message: 'must NOT have additional properties' },
      ],
    });
    expect(toOpen311Error(err, req()).errors).toEqual([
      { code: 400, description: 'service_code is required' },
      { code: 400, description: 'lat must match pattern "x"' },
      { code: 400, description: 'colour is not a parameter of this request' },
    ]);
  });

  it('keeps field errors of a domain error and hides the cause of a 5xx', () => {
    expect(toOpen311Error(new UnsafeTextError(['body/description']), req()).errors[0]).toEqual({ code: 400, description: 'description must not contain NUL characters or unpaired UTF-16 surrogates' });
    const hidden = toOpen311Error(new Error('connection refused to 10.0.0.5'), req());
    expect(hidden.status).toBe(500);
    expect(hidden.message).not.toContain('10.0.0.5');
  });

  it('answers in the format of the route, or of the path when no route matched; XML by default', () => {
    expect(formatOf(req({ routeUrl: '/open311/v2/services.json' }))).toBe('json');
    expect(formatOf(req({ routeUrl: '/open311/v2/services.xml' }))).toBe('xml');
    expect(formatOf(req({ url: '/open311/v2/nothing.json?x=1' }))).toBe('json');
    expect(formatOf(req({ url: '/open311/v2/nothing' }))).toBe('xml');
  });
});

describe('language', () => {
  it('is Chinese unless English is preferred', () => {
    expect(languageOf(req())).toBe('zh-CN');
    expect(languageOf(req({ headers: { 'accept-language': 'en-US,en;q=0.9' } }))).toBe('en');
    expect(languageOf(req({ headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } }))).toBe('zh-CN');
    expect(languageOf(req({ headers: { 'accept-language': 'fr' } }))).toBe('zh-CN');
  });

  it('takes the names from the console\'s translations', () => {
    expect(label('zh-CN', 'category', 'policy_question')).toBe('政策咨询');
    expect(label('en', 'category', 'policy_question')).toBe('Policy question');
    expect(label('en', 'category', 'no_such_thing')).toBe('no_such_thing');
  });
});
