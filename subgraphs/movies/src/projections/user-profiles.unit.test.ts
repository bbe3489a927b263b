import { ObjectId } from 'mongodb';
import { userCreated, userDeleted, userProfileUpdated } from '../test-user-events';
import { evolveUserProfile } from './user-profiles';

const id = new ObjectId();
const at = new Date('2026-03-01T12:00:00Z');

describe('evolveUserProfile', () => {
  it('takes the name of a created user', () => {
    expect(evolveUserProfile(userCreated(id, 'Ann', 1, at))).toEqual({ fullName: 'Ann', deleted: false, eventAt: at });
  });

  it('takes the whole new name of an updated profile', () => {
    expect(evolveUserProfile(userProfileUpdated(id, 'Annie', 2, at))).toEqual({ fullName: 'Annie', deleted: false, eventAt: at });
  });

  it('turns a deleted user into a tombstone without personal data', () => {
    expect(evolveUserProfile(userDeleted(id, 3, at))).toEqual({ fullName: 'Deleted user', deleted: true, eventAt: at });
  });

  it('is pure: the same event gives the same state and is left untouched', () => {
    const event = userProfileUpdated(id, 'Ann', 2, at);
    const copy = structuredClone(event);
    expect(evolveUserProfile(event)).toEqual(evolveUserProfile(copy));
    expect(event).toEqual(copy);
  });
});
