import { describe, expect, it } from 'vitest';
import {
  checkDistinctPorts,
  LOCAL_PORT_NAMES,
  parsePort,
  portOptionOf,
  portsFromBase,
} from '../../../local/runtime/ports.ts';
import { ConfigError } from '../../../shared/errors.ts';

describe('portsFromBase', () => {
  it('numbers the servers consecutively from the base, S3 first and the simulator last', () => {
    // Act
    const ports = portsFromBase(4566);

    // Assess
    expect(ports).toEqual({
      s3: 4566,
      sqs: 4567,
      dynamodb: 4568,
      secretsManager: 4569,
      sns: 4570,
      eventBridge: 4571,
      zoom: 4572,
    });
  });

  it('gives every server a free port from base 0', () => {
    // Act / Assess
    expect(Object.values(portsFromBase(0))).toEqual(LOCAL_PORT_NAMES.map(() => 0));
  });

  it('refuses a base without room for every server', () => {
    // Act / Assess
    expect(() => portsFromBase(65_530)).toThrow(ConfigError);
  });
});

describe('portOptionOf', () => {
  it('spells each server the way the command line does', () => {
    // Act / Assess
    expect(LOCAL_PORT_NAMES.map(portOptionOf)).toEqual([
      'port-s3',
      'port-sqs',
      'port-dynamodb',
      'port-secrets-manager',
      'port-sns',
      'port-eventbridge',
      'port-zoom',
    ]);
  });
});

describe('parsePort', () => {
  it('reads 0 to 65535', () => {
    // Act / Assess
    expect(parsePort('0', '--port-s3')).toBe(0);
    expect(parsePort('65535', '--port-s3')).toBe(65_535);
  });

  it.each(['65536', '-1', '12ab', '', '4.5'])('refuses "%s", naming the option', (value) => {
    // Act / Assess
    expect(() => parsePort(value, '--port-sns')).toThrow('--port-sns');
  });
});

describe('checkDistinctPorts', () => {
  it('refuses two servers on one port, naming both options', () => {
    // Act / Assess
    expect(() => checkDistinctPorts({ s3: 5000, zoom: 5000 })).toThrow(/--port-s3 and --port-zoom/);
  });

  it('lets any number of servers take a free port', () => {
    // Act / Assess
    expect(() => checkDistinctPorts({ s3: 0, sqs: 0, zoom: 4010 })).not.toThrow();
  });
});
