import { render, type ComponentChild } from 'preact';

export type MountSlot = 'card' | 'settings' | 'advanced';

type Mounted = { container: HTMLElement; removeContainer: boolean };

/**
 * The Preact roots this widget owns, one per place amoCRM lets us draw. Mounting the same slot into
 * the same live container again is a no-op (amoCRM may call `render` more than once per area);
 * `unmountAll` is the teardown for `destroy`.
 */
export class MountRegistry {
  private readonly mounted = new Map<MountSlot, Mounted>();

  isMounted(slot: MountSlot): boolean {
    const entry = this.mounted.get(slot);
    return entry !== undefined && entry.container.isConnected;
  }

  /** `removeContainer`: the container is ours (we created it), so teardown removes it from the page too. */
  mount(slot: MountSlot, container: HTMLElement, vnode: ComponentChild, removeContainer = false): boolean {
    const existing = this.mounted.get(slot);
    if (existing && existing.container === container && container.isConnected) return false;
    this.unmount(slot);
    render(vnode, container);
    this.mounted.set(slot, { container, removeContainer });
    return true;
  }

  unmount(slot: MountSlot): void {
    const entry = this.mounted.get(slot);
    if (!entry) return;
    this.mounted.delete(slot);
    render(null, entry.container);
    if (entry.removeContainer) entry.container.remove();
  }

  unmountAll(): void {
    for (const slot of [...this.mounted.keys()]) this.unmount(slot);
  }
}
