import { compareVersionNames, isRolloutProblem, serviceConnectRollout, sizingVersion } from '../../lib/mesh/service-connect/rollout';

describe('serviceConnectRollout', () => {
  test('one version runs alone', () => {
    // GIVEN
    const versions = [{ name: 'v1', weight: 100 }];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'canary');
    // THEN
    expect(rollout).toEqual({ kind: 'single', run: 'v1' });
  });

  test('two versions at 90/10: the newest is deployed, taking 10 percent from the older at each step', () => {
    // GIVEN
    const versions = [
      { name: 'v1', weight: 90 },
      { name: 'v2', weight: 10 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'canary');
    // THEN
    expect(rollout).toEqual({ kind: 'shift', run: 'v2', from: 'v1', percent: 10 });
    expect(isRolloutProblem(rollout)).toBe(false);
  });

  test('the newest version is the last in natural order: v10 after v9', () => {
    // GIVEN v10 would sort before v9 as plain text
    const versions = [
      { name: 'v9', weight: 75 },
      { name: 'v10', weight: 25 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'canary');
    // THEN
    expect(rollout).toEqual({ kind: 'shift', run: 'v10', from: 'v9', percent: 25 });
  });

  test.each([
    ['oldest first', [{ name: 'v1', weight: 80 }, { name: 'v2', weight: 20 }]],
    ['newest first', [{ name: 'v2', weight: 20 }, { name: 'v1', weight: 80 }]],
  ])('the names may be given in any order (%s)', (_order, versions) => {
    // WHEN
    const rollout = serviceConnectRollout(versions, 'linear');
    // THEN
    expect(rollout).toEqual({ kind: 'shift', run: 'v2', from: 'v1', percent: 20 });
  });

  test('the newest at weight 100 (the older at 0) runs alone and retires the older', () => {
    // GIVEN
    const versions = [
      { name: 'v1', weight: 0 },
      { name: 'v2', weight: 100 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'canary');
    // THEN
    expect(rollout).toEqual({ kind: 'single', run: 'v2', retired: 'v1' });
  });

  test('the newest at weight 0 is a problem on its weight', () => {
    // GIVEN
    const versions = [
      { name: 'v1', weight: 100 },
      { name: 'v2', weight: 0 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'canary');
    // THEN
    expect(isRolloutProblem(rollout)).toBe(true);
    expect(rollout).toEqual({
      field: 'versions.v2.weight',
      message:
        'must be above 0 on Service Connect, got 0 (v1: 100, v2: 0): it deploys the newest version and cannot run one without traffic. ' +
        'Give v2 the share it should take at each step, or remove it',
    });
  });

  test('three versions are a problem on versions, naming the weights and suggesting to keep two', () => {
    // GIVEN names out of order, to see the message list them in natural order
    const versions = [
      { name: 'v10', weight: 10 },
      { name: 'v1', weight: 70 },
      { name: 'v2', weight: 20 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'canary');
    // THEN
    expect(isRolloutProblem(rollout)).toBe(true);
    expect(rollout).toMatchObject({ field: 'versions' });
    const { message } = rollout as { message: string };
    expect(message).toContain('between 3 versions (v1: 70, v2: 20, v10: 10)');
    expect(message).toContain('Keep the version that runs now and the newest');
    expect(message).toContain('for example v2: 90, v10: 10');
    expect(message).toContain("mesh.provider 'app-mesh'");
  });

  test('a linear rollout needs a step of at least 3 percent', () => {
    // GIVEN
    const versions = [
      { name: 'v1', weight: 98 },
      { name: 'v2', weight: 2 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'linear');
    // THEN
    expect(isRolloutProblem(rollout)).toBe(true);
    expect(rollout).toMatchObject({ field: 'versions.v2.weight' });
    expect((rollout as { message: string }).message).toMatch(/must be at least 3 for a linear rollout.*got 2/);
  });

  test('a canary rollout may take 2 percent', () => {
    // GIVEN the split linear refuses
    const versions = [
      { name: 'v1', weight: 98 },
      { name: 'v2', weight: 2 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'canary');
    // THEN
    expect(rollout).toEqual({ kind: 'shift', run: 'v2', from: 'v1', percent: 2 });
  });

  test('a linear rollout takes a step of exactly 3 percent', () => {
    // GIVEN the smallest step ECS allows
    const versions = [
      { name: 'v1', weight: 97 },
      { name: 'v2', weight: 3 },
    ];
    // WHEN
    const rollout = serviceConnectRollout(versions, 'linear');
    // THEN
    expect(rollout).toEqual({ kind: 'shift', run: 'v2', from: 'v1', percent: 3 });
  });
});

describe('compareVersionNames', () => {
  test('sorts version names in natural order', () => {
    // GIVEN
    const names = ['v10', 'v2', 'v1'];
    // WHEN
    const sorted = [...names].sort(compareVersionNames);
    // THEN
    expect(sorted).toEqual(['v1', 'v2', 'v10']);
  });
});

describe('sizingVersion', () => {
  test.each<[string, { name: string; weight: number }[], string]>([
    ['the version with the most traffic', [{ name: 'v1', weight: 90 }, { name: 'v2', weight: 10 }], 'v1'],
    ['the newest, once it has the most', [{ name: 'v1', weight: 30 }, { name: 'v2', weight: 70 }], 'v2'],
    ['the newer of two equal, in natural order', [{ name: 'v10', weight: 50 }, { name: 'v9', weight: 50 }], 'v10'],
    ['the only one', [{ name: 'v1', weight: 100 }], 'v1'],
  ])('is %s', (_name, versions, expected) => {
    // WHEN / THEN
    expect(sizingVersion(versions).name).toBe(expected);
  });
});
