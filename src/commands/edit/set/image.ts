import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {parseImageArg, setImages} from '../../../edit/images.js'

export default class EditSetImage extends StrataCommand {
  static override summary = "Set images' new names, tags or digests in the kustomization (as kustomize edit set image), keeping its comments and layout."

  static override description = "Each IMAGE is NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME, NAME:TAG or NAME@DIGEST; it replaces the images entry of that NAME (fields it does not give are dropped) or adds one. '*' as new name, tag or digest keeps the value the file has. Exit codes: 0 written (or already so), 2 bad argument or no kustomization in the directory. Comments, key order and formatting of the file are kept; the file is written atomically."

  static override examples = [
    {description: 'Bump a tag in CI', command: '<%= config.bin %> edit set image web=registry.example.com/web:1.4.2'},
    {description: 'Pin a digest, keep the new name', command: '<%= config.bin %> edit set image web=*@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3'},
    {description: 'Several at once, in another directory', command: '<%= config.bin %> edit set image node:20 mysql=mariadb --dir overlays/prod'},
  ]

  static override strict = false

  static override args = {
    images: Args.string({description: 'NAME[=NEWNAME][:TAG|@DIGEST]', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditSetImage)
    runEdit(flags, (k) => setImages(k.doc, argv.map(String).map(parseImageArg)))
  }
}
