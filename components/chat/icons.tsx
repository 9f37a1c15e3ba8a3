// Small inline icons (stroke = currentColor), so buttons need no icon font or extra package.
type IconProps = { className?: string };

function Icon({ d, className = "h-4 w-4" }: IconProps & { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden="true"
    >
      <path d={d} />
    </svg>
  );
}

export const MenuIcon = (p: IconProps) => <Icon {...p} d="M4 6h16M4 12h16M4 18h16" />;
export const CloseIcon = (p: IconProps) => <Icon {...p} d="M6 6l12 12M18 6L6 18" />;
export const PlusIcon = (p: IconProps) => <Icon {...p} d="M12 5v14M5 12h14" />;
export const CopyIcon = (p: IconProps) => <Icon {...p} d="M9 9h10v10H9zM5 15V5h10" />;
export const RetryIcon = (p: IconProps) => (
  <Icon {...p} d="M4 4v6h6M20 20v-6h-6M5.5 15a7 7 0 0 0 12.5 2M18.5 9A7 7 0 0 0 6 7" />
);
export const EditIcon = (p: IconProps) => <Icon {...p} d="M4 20h4L19 9l-4-4L4 16zM14 6l4 4" />;
export const FlagIcon = (p: IconProps) => <Icon {...p} d="M5 21V4h11l-2 4 2 4H5" />;
export const SendIcon = (p: IconProps) => <Icon {...p} d="M5 12h14M13 6l6 6-6 6" />;
export const StopIcon = (p: IconProps) => <Icon {...p} d="M7 7h10v10H7z" />;
export const ImageIcon = (p: IconProps) => <Icon {...p} d="M4 5h16v14H4zM4 15l4-4 5 5M14 13l2-2 4 4M15 9h.01" />;
export const TrashIcon = (p: IconProps) => <Icon {...p} d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" />;
export const SearchIcon = (p: IconProps) => <Icon {...p} d="M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4" />;
