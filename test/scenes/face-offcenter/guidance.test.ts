import { expectSceneHint } from '../../browser/face/scene-helpers.ts';

describe('guidance on the face-offcenter scene', function () {
  this.timeout(60000);
  it('says off_centre for a face at the left edge and starts no capture', async () => {
    await expectSceneHint('off_centre');
  });
});
