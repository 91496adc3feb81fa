/** Sizes the explorer's parts share, so they line up. */

/**
 * Width in px of the column left of the heatmap: the unit axis, the select view's value axis, and
 * the labels of the text strip and the tracks.
 */
export const AXIS_WIDTH = 44;
