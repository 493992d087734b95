import { describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../../local/aws/index.ts';

describe('encodeS3EventKey', () => {
  it.each([
    ['red flower.jpg', 'red+flower.jpg'],
    ['a+b.wav', 'a%2Bb.wav'],
    ['a@b', 'a%40b'],
    ['year=2024/month=07/part-0.parquet', 'year%3D2024/month%3D07/part-0.parquet'],
    ['2024-07-01T10:00:00.wav', '2024-07-01T10%3A00%3A00.wav'],
    ['Zoë 🎧.wav', 'Zo%C3%AB+%F0%9F%8E%A7.wav'],
    ['(draft) ~copy*_v1.wav', '%28draft%29+%7Ecopy*_v1.wav'],
    ['100%.wav', '100%25.wav'],
  ])('encodes %j as %j', (key, expected) => {
    // Prepare
    const raw = key;
    // Act
    const encoded = encodeS3EventKey(raw);
    // Assess
    expect(encoded).toBe(expected);
  });
});
